import Foundation

/// How wide text is, estimated without a font renderer, so that the SVG layout can keep every
/// text inside the canvas and out of the data (and the tests can check that it does).
///
/// The estimate is for DejaVu Sans, the first font of the figures' font list and wider than the
/// fallbacks (Helvetica, Arial), and errs on the wide side. Each character advances by a
/// fraction of the font size (em): 0.42 em for narrow glyphs (`i j l f r t I ! | . , : ; '`,
/// space, brackets), 1.0 em for wide ones (`m w M W % @ — …`, CJK), 0.80 em for other
/// capitals and 0.64 em for everything else (digits, lower case, symbols); bold text is 15 %
/// wider. DejaVu Sans advances for comparison: space 0.318, `i` 0.278, `r` 0.411, digits
/// 0.636, `a` 0.613, most lower case 0.52–0.64, `O` 0.787, `M` 0.863, `m` 0.974, `W` 0.989 em.
public enum TextMetrics {
    /// Characters counted as narrow (0.42 em).
    static let narrow: Set<Character> = [
        "i", "j", "l", "f", "r", "t", "I", "!", "|", ".", ",", ":", ";", "'", " ", "(", ")", "[",
        "]",
    ]
    /// Characters counted as wide (1.0 em).
    static let wide: Set<Character> = ["m", "w", "M", "W", "%", "@", "—", "…"]

    /// The estimated width of `text` at `fontSize` px, in px.
    public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        var ems = 0.0
        for character in text {
            if narrow.contains(character) {
                ems += 0.42
            } else if wide.contains(character) || character.unicodeScalars.first!.value >= 0x2E80 {
                ems += 1.0
            } else if character.isUppercase {
                ems += 0.80
            } else {
                ems += 0.64
            }
        }
        return ems * fontSize * (bold ? 1.15 : 1)
    }

    /// `text` broken at spaces into lines no wider than `width`; a word wider than the line is
    /// shortened with an ellipsis.
    public static func wrap(
        _ text: String, width: Double, fontSize: Double, bold: Bool = false
    ) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if Self.width(candidate, fontSize: fontSize, bold: bold) <= width {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = truncate(word, width: width, fontSize: fontSize, bold: bold)
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    /// `text`, or its longest prefix that fits `width` with an ellipsis.
    public static func truncate(
        _ text: String, width: Double, fontSize: Double, bold: Bool = false
    ) -> String {
        guard Self.width(text, fontSize: fontSize, bold: bold) > width else { return text }
        var kept = text
        while !kept.isEmpty, Self.width(kept + "…", fontSize: fontSize, bold: bold) > width {
            kept.removeLast()
        }
        return kept + "…"
    }
}

/// A rectangle in pixels (SVG user units), y growing downwards.
struct PixelRect: Equatable {
    var left: Double
    var top: Double
    var width: Double
    var height: Double

    var right: Double { left + width }
    var bottom: Double { top + height }

    /// The rectangle grown by `margin` on every side.
    func inset(by margin: Double) -> PixelRect {
        PixelRect(
            left: left - margin, top: top - margin, width: width + 2 * margin,
            height: height + 2 * margin)
    }

    func contains(_ x: Double, _ y: Double) -> Bool {
        x >= left && x <= right && y >= top && y <= bottom
    }

    func intersects(_ other: PixelRect) -> Bool {
        left <= other.right && other.left <= right && top <= other.bottom && other.top <= bottom
    }

    /// Whether the segment from (x1, y1) to (x2, y2) touches the rectangle (Liang–Barsky
    /// clipping).
    func intersects(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Bool {
        var low = 0.0
        var high = 1.0
        let dx = x2 - x1
        let dy = y2 - y1
        for (p, q) in [(-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)] {
            if p == 0 {
                if q < 0 { return false }
            } else {
                let t = q / p
                if p < 0 { low = max(low, t) } else { high = min(high, t) }
                if low > high { return false }
            }
        }
        return true
    }
}

/// What a legend must not cover in a panel: markers and points, line segments (data, error
/// bars, reference lines), filled areas (histogram bins) and texts (reference-line labels).
struct PlotObstacles {
    /// Points with the radius of what is drawn there.
    var points: [(x: Double, y: Double, radius: Double)] = []
    var segments: [(Double, Double, Double, Double)] = []
    var areas: [PixelRect] = []

    /// Whether `rect` is clear of every obstacle.
    func isClear(_ rect: PixelRect) -> Bool {
        for point in points where rect.inset(by: point.radius).contains(point.x, point.y) {
            return false
        }
        for segment in segments where rect.intersects(segment.0, segment.1, segment.2, segment.3) {
            return false
        }
        return !areas.contains { rect.intersects($0) }
    }
}
