package io.github.bamjava.glue.plot;

import static io.github.bamjava.glue.plot.SvgAssert.elements;
import static io.github.bamjava.glue.plot.SvgAssert.parse;
import static io.github.bamjava.glue.plot.SvgAssert.points;
import static io.github.bamjava.glue.plot.SvgAssert.texts;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SvgChartTest {
  @Test
  void lineChartIsStandaloneSvgWithOnePolylinePerSeries() throws Exception {
    String svg = SvgChart.line("Loss <train> & \"dev\"").xLabel("step").yLabel("loss")
        .series("A&B", new double[] {1, 2, 3}, new double[] {0.9, 0.5, 0.4})
        .series("C", new double[] {1, 3}, new double[] {0.7, 0.2})
        .toSvg();

    Document doc = parse(svg);
    Element root = doc.getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getAttribute("width")).isEqualTo("760");
    assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 760 " + root.getAttribute("height"));
    assertThat(root.getAttribute("font-family")).endsWith("sans-serif");
    assertThat(texts(doc)).contains("Loss <train> & \"dev\"", "step", "loss", "A&B", "C", "0.2", "1.0");
    List<Element> lines = elements(doc, "polyline", "series");
    assertThat(lines).extracting(e -> e.getAttribute("data-series")).containsExactly("A&B", "C");
    assertThat(lines).extracting(SvgAssert::points).containsExactly(3, 2);
    assertThat(lines.get(0).getAttribute("stroke")).isNotEqualTo(lines.get(1).getAttribute("stroke"));
    assertThat(elements(doc, "circle", "marker")).hasSize(5);
  }

  @Test
  void nonFiniteValuesBreakTheLine() throws Exception {
    Document doc = parse(SvgChart.line("").series("s", new double[] {1, 2, 3, 4, 5},
        new double[] {1, 2, Double.NaN, 3, 4}).toSvg());

    assertThat(elements(doc, "polyline", "series")).extracting(SvgAssert::points).containsExactly(2, 2);
  }

  @Test
  void pointsStayInsideThePlotArea() throws Exception {
    Document doc = parse(SvgChart.line("t").xLabel("x").yLabel("y")
        .series("s", new double[] {0, 50, 100}, new double[] {-3, 7, 12}).toSvg());

    Element axes = elements(doc, "g", "axes").get(0);
    List<Element> axisLines = elements(doc, "line", null).stream().filter(l -> l.getParentNode() == axes)
        .toList();
    double left = Double.parseDouble(axisLines.get(0).getAttribute("x1"));
    double top = Double.parseDouble(axisLines.get(0).getAttribute("y1"));
    double bottom = Double.parseDouble(axisLines.get(0).getAttribute("y2"));
    double right = Double.parseDouble(axisLines.get(1).getAttribute("x2"));
    for (String point : elements(doc, "polyline", "series").get(0).getAttribute("points").split(" ")) {
      String[] xy = point.split(",");
      assertThat(Double.parseDouble(xy[0])).isBetween(left, right);
      assertThat(Double.parseDouble(xy[1])).isBetween(top, bottom);
    }
  }

  @Test
  void longLegendLabelsGoUnderThePlotInsteadOfSqueezingIt() throws Exception {
    String label = "a rather long series name that would take a third of the chart";
    Document doc = parse(SvgChart.line("t").series(label, new double[] {1, 2}, new double[] {1, 2})
        .series("short", new double[] {1, 2}, new double[] {2, 1}).toSvg());

    Element axes = elements(doc, "g", "axes").get(0);
    Element xAxis = (Element) axes.getElementsByTagNameNS("*", "line").item(1);
    double plotBottom = Double.parseDouble(xAxis.getAttribute("y1"));
    double plotRight = Double.parseDouble(xAxis.getAttribute("x2"));
    assertThat(plotRight).isGreaterThan(700);
    assertThat(elements(doc, "text", "legend-label")).extracting(Element::getTextContent)
        .containsExactly(label, "short");
    assertThat(elements(doc, "text", "legend-label"))
        .allSatisfy(t -> assertThat(Double.parseDouble(t.getAttribute("y"))).isGreaterThan(plotBottom + 20));
  }

  @Test
  void emptyChartSaysSo() throws Exception {
    Document doc = parse(SvgChart.line("nothing").series("s", new double[0], new double[0]).toSvg());

    assertThat(texts(doc)).contains("no data");
    assertThat(elements(doc, "polyline", "series")).isEmpty();
  }

  @Test
  void barChartDrawsOneBarPerCategoryAndGroupWithErrorBars() throws Exception {
    String svg = BarChart.of("Per-task score", List.of("CoLA", "SST-2", "MRPC"))
        .yLabel("score")
        .group("Single", new double[] {0.55, 0.92, 0.86}, new double[] {0.01, 0.003, 0.0})
        .group("BAM", new double[] {0.58, 0.93, Double.NaN}, new double[] {0.02, 0.002, 0.01})
        .toSvg();

    Document doc = parse(svg);
    List<Element> bars = elements(doc, "rect", "bar");
    assertThat(bars).hasSize(5);
    assertThat(bars).extracting(b -> b.getAttribute("data-group") + "/" + b.getAttribute("data-category"))
        .containsExactly("Single/CoLA", "Single/SST-2", "Single/MRPC", "BAM/CoLA", "BAM/SST-2");
    // A std of 0 draws no error bar, and neither does the missing MRPC/BAM bar.
    assertThat(elements(doc, "path", "error-bar")).hasSize(4);
    assertThat(texts(doc)).contains("Per-task score", "score", "CoLA", "SST-2", "MRPC", "Single", "BAM");
    assertThat(bars.get(3).getTextContent()).isEqualTo("CoLA, BAM: 0.5800 ± 0.02000");
  }

  @Test
  void crowdedCategoryLabelsAreTurned() throws Exception {
    List<String> many = List.of("CoLA-long-name", "SST-2-long-name", "MRPC-long-name", "STS-B-long-name",
        "QQP-long-name", "MNLI-long-name", "QNLI-long-name", "RTE-long-name", "WNLI-long-name");
    Document doc = parse(BarChart.of("t", many).group("g", new double[many.size()]).toSvg());

    Element xAxis = elements(doc, "g", "x-axis").get(0);
    assertThat(elements(doc, "text", null).stream().filter(t -> t.getParentNode() == xAxis))
        .hasSize(many.size())
        .allSatisfy(t -> assertThat(t.getAttribute("transform")).startsWith("rotate(-35"));
  }
}
