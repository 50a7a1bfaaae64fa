import Foundation
import Graphics

// MARK: - PNG rendering

extension LearningCurvePlot {
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
      title, at: Point(Double(width) / 2, 24), color: Palette.text, scale: titleScale,
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

}
