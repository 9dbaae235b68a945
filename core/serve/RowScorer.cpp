#include "RowScorer.h"

#include "model/ImputeTransform.h"
#include "model/MinMaxTransform.h"
#include "model/PcaTransform.h"
#include "model/StandardizeTransform.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace fb {

RowScorer::RowScorer(ModelPtr model)
    : m_model(std::move(model))
{}

std::unique_ptr<RowScorer> RowScorer::compile(const ModelPtr &model)
{
    if (!model || !model->estimator)
        return nullptr;
    const ml::TaskKind task = model->task();
    if (task == ml::TaskKind::Transform)
        return nullptr;
    std::unique_ptr<RowScorer> scorer(new RowScorer(model));
    QHash<QString, int> slotOf; // column name -> slot holding its current value
    for (const InputColumn &in : model->inputs) {
        if (in.kind != ColumnKind::Numeric)
            return nullptr;
        slotOf.insert(in.name, scorer->m_slotCount++);
    }
    auto slotsFor = [&slotOf](const QStringList &columns, std::vector<int> &slots) {
        for (const QString &c : columns) {
            const auto it = slotOf.constFind(c);
            if (it == slotOf.constEnd())
                return false;
            slots.push_back(*it);
        }
        return true;
    };

    for (const TransformPtr &step : model->preprocessing) {
        Op op;
        if (auto s = std::dynamic_pointer_cast<const StandardizeTransform>(step)) {
            op.kind = OpKind::Affine;
            if (!slotsFor(s->outputColumns(), op.slots))
                return nullptr;
            op.a = s->means();
            op.b = s->scales();
        } else if (auto m = std::dynamic_pointer_cast<const MinMaxTransform>(step)) {
            op.kind = OpKind::Scale;
            if (!slotsFor(m->outputColumns(), op.slots))
                return nullptr;
            op.a = m->scales();
            op.b = m->offsets();
            // The clip bounds are only in the serialised form.
            const QJsonObject json = m->toJson();
            if (json.value(QStringLiteral("clip")).toBool()) {
                const QJsonArray range = json.value(QStringLiteral("feature_range")).toArray();
                scorer->m_ops.push_back(op);
                op.kind = OpKind::Clip;
                op.lo = range.at(0).toDouble();
                op.hi = range.at(1).toDouble();
                op.a.clear();
                op.b.clear();
            }
        } else if (auto i = std::dynamic_pointer_cast<const ImputeTransform>(step)) {
            op.kind = OpKind::Fill;
            for (const ImputeTransform::Fill &f : i->fills()) {
                if (f.kind != ColumnKind::Numeric || !slotsFor({f.column}, op.slots))
                    return nullptr;
                op.a.push_back(f.number);
            }
        } else if (auto p = std::dynamic_pointer_cast<const PcaTransform>(step)) {
            op.kind = OpKind::Pca;
            const QList<InputColumn> inputs = p->inputs();
            QStringList names;
            for (const InputColumn &in : inputs)
                names.append(in.name);
            if (!slotsFor(names, op.slots))
                return nullptr;
            op.step = step;
            op.pca = &p->pca();
            for (const QString &name : names)
                slotOf.remove(name);
            for (const QString &out : p->outputColumns()) {
                op.outSlots.push_back(scorer->m_slotCount);
                slotOf.insert(out, scorer->m_slotCount++);
            }
        } else {
            return nullptr;
        }
        scorer->m_ops.push_back(std::move(op));
    }
    for (const QString &f : model->features) {
        const auto it = slotOf.constFind(f);
        if (it == slotOf.constEnd())
            return nullptr;
        scorer->m_featureSlots.push_back(*it);
    }
    return scorer;
}

void RowScorer::score(const double *raw, Result &out) const
{
    // Per-thread scratch: the server scores on several threads at once, each row reusing the
    // buffers of the previous one.
    thread_local std::vector<double> slots;
    thread_local Eigen::RowVectorXd features;
    slots.assign(size_t(m_slotCount), 0.0);
    std::copy(raw, raw + m_model->inputs.size(), slots.begin());

    for (const Op &op : m_ops) {
        switch (op.kind) {
        case OpKind::Affine: // StandardizeTransform::apply: (x - mean) / scale
            for (size_t j = 0; j < op.slots.size(); ++j)
                slots[size_t(op.slots[j])] = (slots[size_t(op.slots[j])] - op.a[j]) / op.b[j];
            break;
        case OpKind::Scale: // MinMaxTransform::apply: x * scale + offset
            for (size_t j = 0; j < op.slots.size(); ++j)
                slots[size_t(op.slots[j])] = slots[size_t(op.slots[j])] * op.a[j] + op.b[j];
            break;
        case OpKind::Clip: // missing values stay missing
            for (int s : op.slots)
                if (!std::isnan(slots[size_t(s)]))
                    slots[size_t(s)] = std::clamp(slots[size_t(s)], op.lo, op.hi);
            break;
        case OpKind::Fill:
            for (size_t j = 0; j < op.slots.size(); ++j)
                if (std::isnan(slots[size_t(op.slots[j])]))
                    slots[size_t(op.slots[j])] = op.a[j];
            break;
        case OpKind::Pca: {
            Eigen::RowVectorXd x(Eigen::Index(op.slots.size()));
            for (size_t j = 0; j < op.slots.size(); ++j)
                x[Eigen::Index(j)] = slots[size_t(op.slots[j])];
            const Eigen::MatrixXd scores = op.pca->transform(x);
            for (size_t j = 0; j < op.outSlots.size(); ++j)
                slots[size_t(op.outSlots[j])] = scores(0, Eigen::Index(j));
            break;
        }
        }
    }

    features.resize(Eigen::Index(m_featureSlots.size()));
    for (size_t j = 0; j < m_featureSlots.size(); ++j) {
        const double v = slots[size_t(m_featureSlots[j])];
        if (std::isnan(v)) // the message of Model::featureMatrix
            throw SchemaError(QStringLiteral("column '%1' has a missing value (row 1); the model "
                                             "needs a value there (add an Impute step before "
                                             "training to handle missing values)")
                                  .arg(m_model->features.at(qsizetype(j))));
        if (std::isinf(v))
            throw SchemaError(QStringLiteral("column '%1' has an infinite value (row 1); the "
                                             "model needs a finite number there")
                                  .arg(m_model->features.at(qsizetype(j))));
        features[Eigen::Index(j)] = v;
    }
    if (m_model->task() == ml::TaskKind::Classification) {
        out.proba = m_model->estimator->predictProba(features);
        Eigen::Index best = 0;
        out.proba.maxCoeff(&best);
        out.value = double(best);
    } else {
        out.proba.resize(0);
        out.value = m_model->estimator->predict(features)[0];
    }
}

} // namespace fb
