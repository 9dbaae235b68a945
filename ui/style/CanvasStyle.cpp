#include "CanvasStyle.h"

#include <QHash>

namespace fb {

QColor CanvasStyle::mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t),
                            float(a.alphaF() + (b.alphaF() - a.alphaF()) * t));
}

CanvasStyle CanvasStyle::fromPalette(const QPalette &palette)
{
    CanvasStyle s;
    const QColor window = palette.color(QPalette::Window);
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::WindowText);
    s.dark = window.lightness() < 128;

    // The canvas sits a little apart from the panels around it: slightly darker in a light
    // theme, slightly darker than the panels in a dark one.
    s.background = s.dark ? mix(window, QColor(0, 0, 0), 0.25) : mix(window, base, 0.45);
    s.gridMinor = mix(s.background, text, s.dark ? 0.10 : 0.13);
    s.gridMajor = mix(s.background, text, s.dark ? 0.20 : 0.24);
    s.nodeFill = s.dark ? mix(window, base, 0.5).lighter(118) : base;
    s.nodeHeaderFill = s.dark ? s.nodeFill.lighter(112) : mix(base, window, 0.55);
    s.nodeBorder = mix(s.nodeFill, text, s.dark ? 0.22 : 0.20);
    s.nodeShadow = QColor(0, 0, 0, s.dark ? 90 : 28);
    s.text = palette.color(QPalette::Text);
    s.mutedText = mix(s.text, s.nodeFill, 0.45);
    s.accent = palette.color(QPalette::Highlight);
    s.accentText = palette.color(QPalette::HighlightedText);
    s.refused = s.dark ? QColor(0xf8, 0x71, 0x71) : QColor(0xdc, 0x26, 0x26);
    s.warning = s.dark ? QColor(0xfb, 0xbf, 0x24) : QColor(0xd9, 0x77, 0x06);
    s.annotationFill = s.dark ? QColor(0x4a, 0x43, 0x2a, 200) : QColor(0xfe, 0xf3, 0xc7, 230);
    s.annotationBorder = s.dark ? QColor(0x85, 0x74, 0x3a) : QColor(0xf0, 0xd4, 0x7a);
    s.annotationText = s.dark ? QColor(0xf5, 0xec, 0xcf) : QColor(0x42, 0x36, 0x12);
    s.rubberBand = s.accent;
    s.minimapBackground = mix(s.background, s.nodeFill, 0.6);
    s.minimapBackground.setAlpha(230);
    s.minimapViewport = s.accent;

    const QFont f; // the application font
    // Scene fonts use pixel sizes: the layout of a node is the same on every screen; HiDPI
    // sharpness comes from the device pixel ratio, not from bigger fonts.
    s.idFont = f;
    s.idFont.setPixelSize(13);
    s.idFont.setWeight(QFont::DemiBold);
    s.titleFont = f;
    s.titleFont.setPixelSize(11);
    s.portFont = f;
    s.portFont.setPixelSize(11);
    s.noteFont = f;
    s.noteFont.setPixelSize(13);
    s.bubbleFont = f;
    s.bubbleFont.setPixelSize(12);
    return s;
}

QColor CanvasStyle::portColor(PortType type) const
{
    switch (type) {
    case PortType::Table:
        return dark ? QColor(0x60, 0xa5, 0xfa) : QColor(0x25, 0x63, 0xeb);
    case PortType::Model:
        return dark ? QColor(0xc0, 0x84, 0xfc) : QColor(0x93, 0x33, 0xea);
    case PortType::Metrics:
        return dark ? QColor(0x34, 0xd3, 0x99) : QColor(0x05, 0x96, 0x69);
    }
    return mutedText;
}

QColor CanvasStyle::linkColor(PortType type) const
{
    return mix(portColor(type), background, dark ? 0.25 : 0.2);
}

QColor CanvasStyle::categoryColor(const QString &category) const
{
    static const QHash<QString, QColor> known{
        {QStringLiteral("Data"), QColor(0x0e, 0xa5, 0xe9)},
        {QStringLiteral("Prepare"), QColor(0xf5, 0x9e, 0x0b)},
        {QStringLiteral("Train"), QColor(0x8b, 0x5c, 0xf6)},
        {QStringLiteral("Evaluate"), QColor(0x10, 0xb9, 0x81)},
        {QStringLiteral("Export"), QColor(0xf4, 0x3f, 0x5e)},
        {QStringLiteral("Utility"), QColor(0x64, 0x74, 0x8b)},
    };
    QColor c = known.value(category);
    if (!c.isValid()) // a category added later still gets a stable colour of its own
        c = QColor::fromHsl(int(qHash(category) % 360), 150, 120);
    return dark ? c.lighter(105) : c;
}

QColor CanvasStyle::stateColor(TaskState state) const
{
    switch (state) {
    case TaskState::None:
        return mutedText;
    case TaskState::Queued:
        return dark ? QColor(0x9c, 0xa3, 0xaf) : QColor(0x6b, 0x72, 0x80);
    case TaskState::Running:
        return dark ? QColor(0x60, 0xa5, 0xfa) : QColor(0x25, 0x63, 0xeb);
    case TaskState::Success:
        return dark ? QColor(0x4a, 0xde, 0x80) : QColor(0x16, 0xa3, 0x4a);
    case TaskState::Failed:
        return refused;
    case TaskState::UpstreamFailed:
        return dark ? QColor(0xfb, 0x92, 0x3c) : QColor(0xea, 0x58, 0x0c);
    case TaskState::UpForRetry:
        return warning;
    case TaskState::Skipped:
        return dark ? QColor(0xf4, 0x72, 0xb6) : QColor(0xdb, 0x27, 0x77);
    case TaskState::Cancelled:
    case TaskState::Interrupted:
        return dark ? QColor(0xa8, 0xa2, 0x9e) : QColor(0x78, 0x71, 0x6c);
    }
    return mutedText;
}

} // namespace fb
