import Foundation
import Graphics

// MARK: - SVG rendering

extension LearningCurvePlot {
  /// The figure as an SVG document (text in the viewer's sans-serif font).
  public func svg() -> String {
    let layout = layout()
    func number(_ value: Double) -> String {
      let rounded = (value * 100).rounded() / 100
      return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
    func points(_ list: [Point]) -> String { list.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ") }
    func escape(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    func opacity(_ color: Color) -> String { number(Double(color.alpha) / 255) }
    let fontSize = 16.0
    let titleSize = 22.0
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
      font-family="Helvetica, Arial, sans-serif">
      <rect width="100%" height="100%" fill="\(Palette.background.hexString)"/>
      <defs><clipPath id="plot-area"><rect x="\(number(layout.left))" y="\(number(layout.top))" \
      width="\(number(layout.right - layout.left))" height="\(number(layout.bottom - layout.top))"/></clipPath></defs>

      """
    svg += "<g stroke=\"\(Palette.grid.hexString)\" stroke-width=\"1\">\n"
    for value in layout.yTicks.values {
      let y = layout.point(layout.xRange.lowerBound, value).y
      svg +=
        "<line x1=\"\(number(layout.left))\" y1=\"\(number(y))\" x2=\"\(number(layout.right))\" y2=\"\(number(y))\"/>\n"
    }
    for value in layout.xTicks.values {
      let x = layout.point(value, layout.yRange.lowerBound).x
      svg +=
        "<line x1=\"\(number(x))\" y1=\"\(number(layout.top))\" x2=\"\(number(x))\" y2=\"\(number(layout.bottom))\"/>\n"
    }
    svg += "</g>\n<g clip-path=\"url(#plot-area)\">\n"
    for (_, color, curve) in layout.curves {
      for polygon in LearningCurvePlot.bandPolygons(curve, layout) {
        svg +=
          "<polygon points=\"\(points(polygon))\" fill=\"\(color.hexString)\" "
          + "fill-opacity=\"\(number(Metrics.bandOpacity))\" stroke=\"none\"/>\n"
      }
    }
    for (_, color, curve) in layout.curves {
      let line = LearningCurvePlot.meanLine(curve, layout)
      var run: [Point] = []
      for point in line + [Point(.nan, .nan)] {
        if point.x.isFinite {
          run.append(point)
          continue
        }
        if run.count == 1 {
          svg += "<circle cx=\"\(number(run[0].x))\" cy=\"\(number(run[0].y))\" r=\"4\" fill=\"\(color.hexString)\"/>\n"
        } else if run.count > 1 {
          svg +=
            "<polyline points=\"\(points(run))\" fill=\"none\" stroke=\"\(color.hexString)\" "
            + "stroke-opacity=\"\(opacity(color))\" stroke-width=\"\(number(Metrics.lineWidth))\" "
            + "stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n"
        }
        run = []
      }
    }
    svg += "</g>\n"
    svg +=
      "<rect x=\"\(number(layout.left))\" y=\"\(number(layout.top))\" width=\"\(number(layout.right - layout.left))\" "
      + "height=\"\(number(layout.bottom - layout.top))\" fill=\"none\" stroke=\"\(Palette.axis.hexString)\"/>\n"
    svg += "<g font-size=\"\(number(fontSize))\" fill=\"\(Palette.mutedText.hexString)\">\n"
    for (value, label) in zip(layout.yTicks.values, layout.yTicks.labels()) {
      let y = layout.point(layout.xRange.lowerBound, value).y
      svg +=
        "<line x1=\"\(number(layout.left - Metrics.tickLength))\" y1=\"\(number(y))\" x2=\"\(number(layout.left))\" "
        + "y2=\"\(number(y))\" stroke=\"\(Palette.axis.hexString)\"/>\n"
      svg +=
        "<text x=\"\(number(layout.left - Metrics.tickLength - 6))\" y=\"\(number(y))\" text-anchor=\"end\" "
        + "dominant-baseline=\"central\">\(escape(label))</text>\n"
    }
    for (value, label) in zip(layout.xTicks.values, layout.xTicks.labels()) {
      let x = layout.point(value, layout.yRange.lowerBound).x
      svg +=
        "<line x1=\"\(number(x))\" y1=\"\(number(layout.bottom))\" x2=\"\(number(x))\" "
        + "y2=\"\(number(layout.bottom + Metrics.tickLength))\" stroke=\"\(Palette.axis.hexString)\"/>\n"
      svg +=
        "<text x=\"\(number(x))\" y=\"\(number(layout.bottom + Metrics.tickLength + 6 + fontSize * 0.8))\" "
        + "text-anchor=\"middle\">\(escape(label))</text>\n"
    }
    svg += "</g>\n<g font-size=\"\(number(fontSize + 1))\" fill=\"\(Palette.text.hexString)\">\n"
    svg +=
      "<text x=\"\(number((layout.left + layout.right) / 2))\" y=\"\(number(Double(height) - 24))\" "
      + "text-anchor=\"middle\">\(escape(xLabel))</text>\n"
    let yLabelX = 24 + fontSize * 0.8
    let yLabelY = (layout.top + layout.bottom) / 2
    svg +=
      "<text x=\"\(number(yLabelX))\" y=\"\(number(yLabelY))\" text-anchor=\"middle\" "
      + "transform=\"rotate(-90 \(number(yLabelX)) \(number(yLabelY)))\">\(escape(yLabel))</text>\n"
    svg +=
      "</g>\n<text x=\"\(number(Double(width) / 2))\" y=\"\(number(24 + titleSize * 0.8))\" "
      + "font-size=\"\(number(titleSize))\" font-weight=\"bold\" text-anchor=\"middle\" "
      + "fill=\"\(Palette.text.hexString)\">\(escape(title))</text>\n"
    if let legend = layout.legend {
      svg += "<g font-size=\"\(number(fontSize))\">\n"
      svg +=
        "<rect x=\"\(number(legend.x))\" y=\"\(number(legend.y))\" width=\"\(number(legend.width))\" "
        + "height=\"\(number(legend.height))\" fill=\"\(Palette.background.hexString)\" fill-opacity=\"0.9\" "
        + "stroke=\"\(Palette.legendBorder.hexString)\"/>\n"
      for (index, entry) in layout.curves.enumerated() {
        let rowY = legend.y + Metrics.legendPadding + Double(index) * Metrics.legendRowHeight
        let middle = rowY + 7
        let swatchX = legend.x + Metrics.legendPadding
        svg +=
          "<rect x=\"\(number(swatchX))\" y=\"\(number(middle - 7))\" width=\"\(number(Metrics.legendSwatch))\" "
          + "height=\"14\" fill=\"\(entry.color.hexString)\" fill-opacity=\"\(number(Metrics.bandOpacity))\"/>\n"
        svg +=
          "<line x1=\"\(number(swatchX))\" y1=\"\(number(middle))\" x2=\"\(number(swatchX + Metrics.legendSwatch))\" "
          + "y2=\"\(number(middle))\" stroke=\"\(entry.color.hexString)\" "
          + "stroke-width=\"\(number(Metrics.lineWidth))\"/>\n"
        svg +=
          "<text x=\"\(number(swatchX + Metrics.legendSwatch + Metrics.legendPadding))\" y=\"\(number(middle))\" "
          + "dominant-baseline=\"central\" fill=\"\(Palette.text.hexString)\">\(escape(entry.label))</text>\n"
      }
      svg += "</g>\n"
    }
    return svg + "</svg>\n"
  }
}
