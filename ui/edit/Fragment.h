#pragma once

#include "pipeline/PipelineData.h"

#include <QList>
#include <QPointF>
#include <QString>

#include <optional>

class QMimeData;

namespace fb {

// A piece of a pipeline on the clipboard: selected nodes, the links among them, notes and
// groups. It is written as a complete .flow document, so it pastes between windows and
// processes, and as text it is a pipeline any editor or `flowbench-cli validate` can read.
class Fragment
{
public:
    // Flowbench's own clipboard format; the same bytes also go out as text/plain.
    static const QString mimeType;

    // The selected part of `pipeline`, in model order. Links with one end outside are dropped.
    static PipelineData extract(const PipelineData &pipeline,
                                const QList<int> &nodeKeys,
                                const QList<int> &annotationKeys);
    static QMimeData *toMimeData(const PipelineData &fragment);
    static bool canRead(const QMimeData *mime);
    // Reads Flowbench's format, or text that is a .flow document. Sets *error when the
    // clipboard has something that is not a pipeline.
    static std::optional<PipelineData> fromMimeData(const QMimeData *mime, QString *error);

    // Prepares a fragment to be added to `target`: ids made unique (in `target` and among
    // themselves), everything moved by `offset`.
    static PipelineData prepareForPaste(const PipelineData &fragment,
                                        const PipelineData &target,
                                        QPointF offset);
    // Bounding box of the fragment's node positions and note rectangles.
    static QRectF bounds(const PipelineData &fragment);
};

} // namespace fb
