import Foundation
import Graphics

// MARK: - Colours of the frame

extension LearningCurvePlot {
  enum Palette {
    static let background = Color.white
    static let grid = Color(hex: 0xe6e6e6)
    static let axis = Color(hex: 0x404040)
    static let text = Color(hex: 0x202020)
    static let mutedText = Color(hex: 0x505050)
    static let legendBorder = Color(hex: 0xcccccc)
  }

  // MARK: - PNG

  /// The figure drawn on a canvas with the built-in rasteriser.
  public func canvas() -> Canvas {
    let layout = layout()
    var canvas = Canvas(width: width, height: height, background: Palette.background)
    let plotWidth = layout.right - layout.left
    // Grid lines at the ticks (snapped to pixel centres so one-pixel lines stay crisp).
    for value in layout.yTicks.values {
      let y = (layout.point(layout.xRange.lowerBound, value).y).rounded(.down) + 0.5
      canvas.drawLine(
        from: Point(layout.left, y), to: Point(layout.right, y), color: Palette.grid, width: 1, cap: .butt)
    }
    for value in layout.xTicks.values {
      let x = (layout.point(value, layout.yRange.lowerBound).x).rounded(.down) + 0.5
      canvas.drawLine(
        from: Point(x, layout.top), to: Point(x, layout.bottom), color: Palette.grid, width: 1, cap: .butt)
    }
    // Bands, then mean lines on top.
    for (_, color, curve) in layout.curves {
      for polygon in LearningCurvePlot.bandPolygons(curve, layout) {
        canvas.fillPolygon(polygon, color: color.withOpacity(Metrics.bandOpacity))
      }
    }
    for (_, color, curve) in layout.curves {
      let line = LearningCurvePlot.meanLine(curve, layout)
      if curve.x.count == 1, let only = line.first, only.x.isFinite {
        canvas.fillCircle(center: only, radius: 4, color: color)
      }
      canvas.drawPolyline(line, color: color, width: Metrics.lineWidth)
    }
    // Clear what bands or lines drew outside the plot area, then the frame.
    let outside: [(Double, Double, Double, Double)] = [
      (0, 0, Double(width), layout.top - 1), (0, layout.bottom + 1, Double(width), Double(height) - layout.bottom - 1),
      (0, 0, layout.left - 1, Double(height)), (layout.right + 1, 0, Double(width) - layout.right - 1, Double(height)),
    ]
    for (x, y, w, h) in outside where w > 0 && h > 0 {
      canvas.fillRectangle(x: x, y: y, width: w, height: h, color: Palette.background)
    }
    canvas.strokeRectangle(
      x: layout.left.rounded(.down) + 0.5, y: layout.top.rounded(.down) + 0.5,
      width: (layout.right - layout.left).rounded(), height: (layout.bottom - layout.top).rounded(),
      color: Palette.axis, lineWidth: 1)
    // Ticks and their labels.
    for (value, label) in zip(layout.yTicks.values, layout.yTicks.labels()) {
      let y = (layout.point(layout.xRange.lowerBound, value).y).rounded(.down) + 0.5
      canvas.drawLine(
        from: Point(layout.left - Metrics.tickLength, y), to: Point(layout.left, y), color: Palette.axis, width: 1,
        cap: .butt)
      canvas.drawText(
        label, at: Point(layout.left - Metrics.tickLength - 6, y), color: Palette.mutedText, scale: Metrics.tickScale,
        horizontalAlignment: .trailing, verticalAlignment: .middle)
    }
    for (value, label) in zip(layout.xTicks.values, layout.xTicks.labels()) {
      let x = (layout.point(value, layout.yRange.lowerBound).x).rounded(.down) + 0.5
      canvas.drawLine(
        from: Point(x, layout.bottom), to: Point(x, layout.bottom + Metrics.tickLength), color: Palette.axis, width: 1,
        cap: .butt)
      canvas.drawText(
        label, at: Point(x, layout.bottom + Metrics.tickLength + 6), color: Palette.mutedText,
        scale: Metrics.tickScale, horizontalAlignment: .center)
    }
    // Axis labels and title.
    canvas.drawText(
      xLabel, at: Point(layout.left + plotWidth / 2, Double(height) - 24), color: Palette.text,
      scale: Metrics.labelScale, horizontalAlignment: .center, verticalAlignment: .baseline)
    canvas.drawText(
      yLabel, at: Point(24, (layout.top + layout.bottom) / 2), color: Palette.text, scale: Metrics.labelScale,
      horizontalAlignment: .center, verticalAlignment: .top, orientation: .upward)
    canvas.drawText(
      title, at: Point(Double(width) / 2, 24), color: Palette.text, scale: Metrics.titleScale,
      horizontalAlignment: .center)
    // Legend.
    if let legend = layout.legend {
      canvas.fillRectangle(
        x: legend.x, y: legend.y, width: legend.width, height: legend.height, color: Palette.background.withOpacity(0.9)
      )
      canvas.strokeRectangle(
        x: legend.x.rounded(.down) + 0.5, y: legend.y.rounded(.down) + 0.5, width: legend.width.rounded(),
        height: legend.height.rounded(), color: Palette.legendBorder, lineWidth: 1)
      for (index, entry) in layout.curves.enumerated() {
        let rowY = legend.y + Metrics.legendPadding + Double(index) * Metrics.legendRowHeight
        let middle = rowY + 7
        let swatchX = legend.x + Metrics.legendPadding
        canvas.fillRectangle(
          x: swatchX, y: middle - 7, width: Metrics.legendSwatch, height: 14,
          color: entry.color.withOpacity(Metrics.bandOpacity))
        canvas.drawLine(
          from: Point(swatchX, middle), to: Point(swatchX + Metrics.legendSwatch, middle), color: entry.color,
          width: Metrics.lineWidth, cap: .butt)
        canvas.drawText(
          entry.label, at: Point(swatchX + Metrics.legendSwatch + Metrics.legendPadding, rowY), color: Palette.text,
          scale: Metrics.legendScale)
      }
    }
    return canvas
  }

  // MARK: - SVG

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
