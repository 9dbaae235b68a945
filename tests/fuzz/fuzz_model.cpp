// Fuzz target: the model file loader (.fbm, core/model/ModelFile) and what a loaded model does
// next: predict. A model file is data from elsewhere (a colleague, a registry, a download); a
// malformed one must be refused with a message, and one that loads must not read outside its
// weights when it predicts (tree node indices, matrix shapes, class counts).
//
// Oracles: save/load/save is a fixed point, and predicting on a small table with the model's
// input columns either works, with one prediction per row, or throws an exception.

#include "FuzzSupport.h"

#include "data/Table.h"
#include "model/ModelFile.h"

#include <exception>

namespace {

// Three rows with every input the model names: numbers 0, 1, -1; categories "a", "b", "a".
fb::TablePtr inputTable(const fb::Model &model)
{
    QList<fb::Column> columns;
    int numeric = 0;
    int categorical = 0;
    for (const fb::InputColumn &in : model.inputs)
        columns.append(fb::Column{in.name, in.kind, fb::ColumnRole::Feature,
                                  in.kind == fb::ColumnKind::Numeric ? numeric++ : categorical++});
    auto values = std::make_shared<Eigen::MatrixXd>(3, numeric);
    for (int c = 0; c < numeric; ++c)
        values->col(c) << 0.0, 1.0, -1.0;
    auto codes = std::make_shared<std::vector<fb::CategoricalColumn>>(size_t(categorical));
    for (fb::CategoricalColumn &c : *codes) {
        c.levels = {QStringLiteral("a"), QStringLiteral("b")};
        c.codes = {0, 1, 0};
    }
    return std::make_shared<const fb::Table>(columns, values, codes, 3);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = fbfuzz::bytes(data, size);
    QString error;
    const fb::ModelPtr model = fb::ModelFile::parse(bytes, QStringLiteral("fuzz.fbm"), &error);
    if (!model) {
        fbfuzz::check(error.startsWith(QStringLiteral("fuzz.fbm")), "error does not name the file", error);
        return 0;
    }
    (void)model->summary();

    const QByteArray saved = fb::ModelFile::serialize(*model);
    QString again;
    const fb::ModelPtr reloaded = fb::ModelFile::parse(saved, QStringLiteral("saved.fbm"), &again);
    fbfuzz::check(reloaded != nullptr, "a saved model does not load again", again);
    fbfuzz::check(fb::ModelFile::serialize(*reloaded) == saved, "save/load/save changes the file");

    try {
        const fb::Prediction p = model->predict(inputTable(*model));
        fbfuzz::check(p.values.size() == 3, "not one prediction per row");
        if (model->task() == fb::ml::TaskKind::Classification)
            fbfuzz::check(p.labels.size() == 3, "not one label per row");
    } catch (const std::exception &) {
        // Refused (inconsistent weights, a schema the table cannot meet): fine, if it says so.
    }
    return 0;
}
