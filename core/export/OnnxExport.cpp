#include "OnnxExport.h"

#include "OnnxEstimators.h"
#include "OnnxGraphBuilder.h"

#include "model/ImputeTransform.h"
#include "model/MinMaxTransform.h"
#include "model/OneHotTransform.h"
#include "model/PcaTransform.h"
#include "model/StandardizeTransform.h"
#include "util/AtomicFile.h"

#include <ml/decomposition/Pca.h>

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace fb {

namespace {

using onnx::Attribute;
using onnx::DataType;
using onnx::ExportError;
using onnx::GraphBuilder;

// Where a column's current values are: column `index` of the [N, width] tensor `tensor`
// (double), or a [N, 1] string tensor for text columns.
struct ColumnRef
{
    QByteArray tensor;
    std::int64_t index = 0;
    std::int64_t width = 1;
    bool text = false;
    bool hasFill = false; // text: an impute step fills missing ("") with fillText
    QString fillText;
};

std::vector<std::int64_t> iota(std::int64_t n)
{
    std::vector<std::int64_t> v(static_cast<size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        v[size_t(i)] = i;
    return v;
}

class Exporter
{
public:
    Exporter(const Model &model, const OnnxExportOptions &options)
        : m_model(model)
        , m_io(options.doubleInputs ? DataType::Double : DataType::Float)
    {}

    onnx::Model build()
    {
        if (!m_model.estimator)
            throw ExportError(QStringLiteral("the model has no estimator"));
        for (const char *name : {"label", "probabilities", "variable", "scores"})
            m_g.reserve(name);
        addInputs();
        for (const TransformPtr &step : m_model.preprocessing)
            addStep(*step);
        const QByteArray X = matrix(m_model.features, QStringLiteral("the estimator's features"));
        addOutputs(onnx::exportEstimator(m_g, *m_model.estimator, X, m_io));

        onnx::Model out;
        out.opsets = {{QByteArray(), 17}, {QByteArray("ai.onnx.ml"), 3}};
        out.producerName = "flowbench";
        out.producerVersion = FLOWBENCH_VERSION;
        out.docString = m_model.summary().toUtf8();
        out.metadata = metadata();
        out.graph = std::move(m_g.graph());
        out.graph.name = m_model.algorithm.toUtf8();
        return out;
    }

private:
    void addInputs()
    {
        bool allNumeric = true;
        for (const InputColumn &in : m_model.inputs)
            allNumeric = allNumeric && in.kind == ColumnKind::Numeric;
        if (allNumeric) {
            const auto p = std::int64_t(m_model.inputs.size());
            QStringList names;
            for (const InputColumn &in : m_model.inputs)
                names.append(in.name);
            m_g.addInput("input",
                         m_io,
                         {GraphBuilder::kBatch, p},
                         "columns in this order: " + names.join(QStringLiteral(", ")).toUtf8());
            const QByteArray x = m_io == DataType::Double ? QByteArray("input")
                                                          : m_g.cast("input", DataType::Double);
            for (std::int64_t i = 0; i < p; ++i)
                m_columns.insert(m_model.inputs.at(i).name, ColumnRef{x, i, p});
            return;
        }
        for (const InputColumn &in : m_model.inputs) {
            const QByteArray name = in.name.toUtf8();
            if (m_g.isUsed(name))
                throw ExportError(
                    QStringLiteral("the input column '%1' has the name of an output or another "
                                   "input; rename it before training to export")
                        .arg(in.name));
            if (in.kind == ColumnKind::Categorical) {
                m_g.addInput(name,
                             DataType::String,
                             {GraphBuilder::kBatch, 1},
                             "text; \"\" = missing");
                m_columns.insert(in.name, ColumnRef{name, 0, 1, true});
            } else {
                m_g.addInput(name, m_io, {GraphBuilder::kBatch, 1});
                const QByteArray x = m_io == DataType::Double ? name
                                                              : m_g.cast(name, DataType::Double);
                m_columns.insert(in.name, ColumnRef{x, 0, 1});
            }
        }
    }

    const ColumnRef &column(const QString &name, const QString &step) const
    {
        const auto it = m_columns.constFind(name);
        if (it == m_columns.constEnd())
            throw ExportError(
                QStringLiteral("%1: no column '%2' at this point of the graph").arg(step, name));
        return *it;
    }

    // The named numeric columns as one [N, k] double tensor.
    QByteArray matrix(const QStringList &names, const QString &step)
    {
        if (names.isEmpty())
            throw ExportError(QStringLiteral("%1: no columns").arg(step));
        std::vector<QByteArray> parts;
        qsizetype i = 0;
        while (i < names.size()) {
            const ColumnRef &first = column(names.at(i), step);
            if (first.text)
                throw ExportError(
                    QStringLiteral("%1: column '%2' is text; only numeric columns can go there")
                        .arg(step, names.at(i)));
            // A run of columns from the same tensor is taken in one Gather (or as the tensor).
            std::vector<std::int64_t> indices{first.index};
            qsizetype j = i + 1;
            for (; j < names.size(); ++j) {
                const ColumnRef &c = column(names.at(j), step);
                if (c.text || c.tensor != first.tensor)
                    break;
                indices.push_back(c.index);
            }
            if (std::int64_t(indices.size()) == first.width && indices == iota(first.width))
                parts.push_back(first.tensor);
            else
                parts.push_back(m_g.columns(first.tensor, indices));
            i = j;
        }
        return m_g.concat(parts, 1);
    }

    void setBlock(const QStringList &names, const QByteArray &tensor)
    {
        for (qsizetype j = 0; j < names.size(); ++j)
            m_columns.insert(names.at(j), ColumnRef{tensor, j, std::int64_t(names.size())});
    }

    void addStep(const Transform &step)
    {
        const QString kind = step.kind();
        if (auto s = dynamic_cast<const StandardizeTransform *>(&step)) {
            const QStringList cols = s->outputColumns();
            const auto k = std::int64_t(cols.size());
            const QByteArray m = matrix(cols, kind);
            const QByteArray centred = m_g.sub(m, m_g.constDoubles("mean", s->means(), {k}));
            setBlock(cols, m_g.div(centred, m_g.constDoubles("scale", s->scales(), {k})));
        } else if (auto mm = dynamic_cast<const MinMaxTransform *>(&step)) {
            const QStringList cols = mm->outputColumns();
            const auto k = std::int64_t(cols.size());
            const QByteArray m = matrix(cols, kind);
            QByteArray scaled = m_g.add(m_g.mul(m,
                                                m_g.constDoubles("minmax_scale", mm->scales(), {k})),
                                        m_g.constDoubles("minmax_offset", mm->offsets(), {k}));
            const QJsonObject json = mm->toJson(); // the range and clip flag are only here
            if (json.value(QStringLiteral("clip")).toBool()) {
                const QJsonArray range = json.value(QStringLiteral("feature_range")).toArray();
                scaled = m_g.op("Clip",
                                {scaled,
                                 m_g.scalar("clip_min", range.at(0).toDouble()),
                                 m_g.scalar("clip_max", range.at(1).toDouble())});
            }
            setBlock(cols, scaled);
        } else if (auto im = dynamic_cast<const ImputeTransform *>(&step)) {
            QStringList numeric;
            std::vector<double> fills;
            for (const ImputeTransform::Fill &f : im->fills()) {
                if (f.kind == ColumnKind::Numeric) {
                    numeric.append(f.column);
                    fills.push_back(f.number);
                    continue;
                }
                // Text columns are filled where they are encoded (one-hot), as "" -> the fill.
                ColumnRef c = column(f.column, kind);
                c.hasFill = true;
                c.fillText = f.text;
                m_columns.insert(f.column, c);
            }
            if (!numeric.isEmpty()) {
                const auto k = std::int64_t(numeric.size());
                const QByteArray m = matrix(numeric, kind);
                const QByteArray missing = m_g.op("IsNaN", {m});
                setBlock(numeric,
                         m_g.op("Where", {missing, m_g.constDoubles("fill", fills, {k}), m}));
            }
        } else if (auto oh = dynamic_cast<const OneHotTransform *>(&step)) {
            for (const OneHotTransform::Encoded &e : oh->columns())
                oneHot(e);
        } else if (auto pc = dynamic_cast<const PcaTransform *>(&step)) {
            pca(*pc);
        } else {
            throw ExportError(
                QStringLiteral("ONNX export does not support the preprocessing step '%1'").arg(kind));
        }
    }

    void oneHot(const OneHotTransform::Encoded &e)
    {
        const QString step = QStringLiteral("one_hot");
        const ColumnRef c = column(e.column, step);
        QStringList names;
        std::vector<std::int64_t> kept;
        for (int k = 0; k < e.categories.size(); ++k)
            if (k != e.dropped) {
                kept.push_back(k);
                names.append(OneHotTransform::outputName(e.column, e.categories.at(k)));
            }
        const auto width = std::int64_t(kept.size());
        QByteArray equal;
        if (c.text) {
            // Text -> category index (LabelEncoder; unknown and missing -> -1), then one 0/1
            // column per kept category. A missing value ("") takes the impute fill's index.
            std::vector<QByteArray> keys;
            std::vector<std::int64_t> values;
            for (int k = 0; k < e.categories.size(); ++k) {
                keys.push_back(e.categories.at(k).toUtf8());
                values.push_back(k);
            }
            if (c.hasFill && !e.categories.contains(QString())) {
                keys.push_back(QByteArray());
                values.push_back(e.categories.indexOf(c.fillText)); // -1 when unknown: all zeros
            }
            const QByteArray index = m_g.op("LabelEncoder",
                                            {c.tensor},
                                            {Attribute::makeStrings("keys_strings", keys),
                                             Attribute::makeInts("values_int64s", values),
                                             Attribute::makeInt("default_int64", -1)},
                                            "category",
                                            "ai.onnx.ml");
            equal = m_g.op("Equal", {index, m_g.constInts("categories", kept, {width})});
        } else {
            // Numeric categories compare exactly, in the precision the value came in.
            const QByteArray x = matrix({e.column}, step);
            if (m_io == DataType::Float) {
                std::vector<float> cats;
                for (std::int64_t k : kept)
                    cats.push_back(float(e.categories.at(k).toDouble()));
                equal = m_g.op("Equal",
                               {m_g.cast(x, DataType::Float),
                                m_g.constFloats("categories", cats, {width})});
            } else {
                std::vector<double> cats;
                for (std::int64_t k : kept)
                    cats.push_back(e.categories.at(k).toDouble());
                equal = m_g.op("Equal", {x, m_g.constDoubles("categories", cats, {width})});
            }
        }
        m_columns.remove(e.column);
        setBlock(names, m_g.cast(equal, DataType::Double));
    }

    void pca(const PcaTransform &step)
    {
        const ml::Pca &p = step.pca();
        QStringList inputs;
        for (const InputColumn &in : step.inputs())
            inputs.append(in.name);
        const std::int64_t features = p.components().cols();
        const std::int64_t k = p.componentCount();
        const QByteArray m = matrix(inputs, QStringLiteral("pca"));
        const QByteArray centred = m_g.sub(m,
                                           m_g.constDoubles("pca_mean",
                                                            std::vector<double>(p.mean().data(),
                                                                                p.mean().data()
                                                                                    + features),
                                                            {features}));
        // components() is k x p column-major, which is its transpose p x k row-major.
        const Eigen::MatrixXd &v = p.components();
        std::vector<double> vt(size_t(features * k));
        for (std::int64_t f = 0; f < features; ++f)
            for (std::int64_t c = 0; c < k; ++c)
                vt[size_t(f * k + c)] = v(c, f);
        QByteArray scores = m_g.matMul(centred,
                                       m_g.constDoubles("pca_components", vt, {features, k}));
        if (p.params().whiten) { // as Pca::transform
            std::vector<double> scale(static_cast<size_t>(k));
            for (std::int64_t c = 0; c < k; ++c)
                scale[size_t(c)] = p.explainedVariance()[c] > 0.0
                                       ? 1.0 / std::sqrt(p.explainedVariance()[c])
                                       : 1.0;
            scores = m_g.mul(scores, m_g.constDoubles("pca_whiten", scale, {k}));
        }
        for (const QString &name : inputs)
            m_columns.remove(name);
        setBlock(step.outputColumns(), scores);
    }

    void addOutputs(const onnx::EstimatorHead &head)
    {
        auto toIo = [this](const QByteArray &t, DataType type, const QByteArray &name) {
            return type == m_io ? m_g.op("Identity", {t}, {}, {}, {}, name)
                                : m_g.cast(t, m_io, name);
        };
        switch (head.kind) {
        case onnx::EstimatorHead::Kind::Probabilities: {
            const QByteArray p = head.type == DataType::Double
                                     ? head.tensor
                                     : m_g.cast(head.tensor, DataType::Double);
            const QByteArray index = m_g.argMax(p); // Model::predict: the most probable class
            bool integers = !m_model.classes.isEmpty();
            std::vector<std::int64_t> ints;
            std::vector<QByteArray> texts;
            for (const QString &c : m_model.classes) {
                bool ok = false;
                ints.push_back(c.toLongLong(&ok));
                integers = integers && ok;
                texts.push_back(c.toUtf8());
            }
            const auto k = std::int64_t(m_model.classes.size());
            if (k != head.width)
                throw ExportError(
                    QStringLiteral("the model has %1 class labels but its estimator %2 classes")
                        .arg(k)
                        .arg(head.width));
            const QByteArray labels = integers ? m_g.constInts("classes", ints, {k})
                                               : m_g.constStrings("classes", texts, {k});
            m_g.op("Gather", {labels, index}, {Attribute::makeInt("axis", 0)}, {}, {}, "label");
            m_g.addOutput("label",
                          integers ? DataType::Int64 : DataType::String,
                          {GraphBuilder::kBatch});
            toIo(head.tensor, head.type, "probabilities");
            m_g.addOutput("probabilities", m_io, {GraphBuilder::kBatch, k});
            break;
        }
        case onnx::EstimatorHead::Kind::Value:
            toIo(head.tensor, head.type, "variable");
            m_g.addOutput("variable", m_io, {GraphBuilder::kBatch, 1});
            break;
        case onnx::EstimatorHead::Kind::Clusters: {
            m_g.argMin(head.tensor, "label"); // the nearest centre, first on ties
            m_g.addOutput("label", DataType::Int64, {GraphBuilder::kBatch});
            toIo(m_g.op("Sqrt", {head.tensor}), head.type, "scores");
            m_g.addOutput("scores", m_io, {GraphBuilder::kBatch, head.width});
            break;
        }
        }
    }

    std::vector<std::pair<QByteArray, QByteArray>> metadata() const
    {
        QJsonArray inputs;
        for (const InputColumn &in : m_model.inputs)
            inputs.append(QJsonObject{{QStringLiteral("name"), in.name},
                                      {QStringLiteral("type"), columnKindName(in.kind)}});
        auto json = [](const QJsonArray &a) {
            return QJsonDocument(a).toJson(QJsonDocument::Compact);
        };
        return {
            {"flowbench.algorithm", m_model.algorithm.toUtf8()},
            {"flowbench.task", taskKindName(m_model.task()).toUtf8()},
            {"flowbench.target", m_model.target.toUtf8()},
            {"flowbench.inputs", json(inputs)},
            {"flowbench.classes", json(QJsonArray::fromStringList(m_model.classes))},
            {"flowbench.run_id", m_model.lineage.runId.toUtf8()},
            {"flowbench.pipeline_hash", m_model.lineage.pipelineHash.toUtf8()},
            {"flowbench.data_hash", m_model.lineage.dataHash.toUtf8()},
        };
    }

    const Model &m_model;
    DataType m_io;
    GraphBuilder m_g;
    QHash<QString, ColumnRef> m_columns;
};

} // namespace

QByteArray onnxModelBytes(const Model &model, const OnnxExportOptions &options, QString *error)
{
    try {
        return onnx::serialize(Exporter(model, options).build());
    } catch (const ExportError &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
    } catch (const std::exception &e) {
        if (error)
            *error = QStringLiteral("cannot export: %1").arg(QString::fromUtf8(e.what()));
    }
    return {};
}

bool exportOnnx(const Model &model,
                const QString &path,
                const OnnxExportOptions &options,
                QString *error)
{
    const QByteArray bytes = onnxModelBytes(model, options, error);
    return !bytes.isEmpty() && writeFileAtomically(path, bytes, error);
}

bool exportOnnx(const Model &model, const QString &path, QString *error)
{
    return exportOnnx(model, path, OnnxExportOptions{}, error);
}

} // namespace fb
