import Foundation
import HXIO

/// What the hand-drawn SVG charts of this module (``RuntimeFigure``,
/// ``ErrorBudget/Result/svg(title:)``) share: pixel values written with one decimal, text
/// escaped for XML, and the frame of a standalone document.
enum ChartSVG {
    /// A coordinate or length in pixels, one decimal.
    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    /// `text` safe inside an element or an attribute value.
    static func escape(_ text: String) -> String { xmlEscaped(text) }

    /// A standalone SVG document: `body` on a white `width × height` canvas (pixels) in a
    /// sans-serif font.
    static func document(width: Double, height: Double, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" "
            + "height=\"\(number(height))\" viewBox=\"0 0 \(number(width)) \(number(height))\" "
            + "font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + body + "</svg>\n"
    }
}

/// The canvas of a chart drawn in rows (``RuntimeFigure``, ``ErrorBudget/Result/svg(title:)``):
/// its width and the margins around the plot area, in pixels.
struct ChartFrame {
    /// The canvas width.
    var width: Double
    /// Room left of the plot area, for the rows' labels.
    var left: Double
    /// Room right of the plot area, for the values written after the bars.
    var right: Double
    /// Room above the plot area, for the title.
    var top: Double

    /// The width of the plot area, between the margins.
    var plotWidth: Double { width - left - right }
}
