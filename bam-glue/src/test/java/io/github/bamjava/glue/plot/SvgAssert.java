package io.github.bamjava.glue.plot;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Parses SVG output as XML, which fails on anything not well-formed, and finds elements by tag and class. */
final class SvgAssert {
  private SvgAssert() {}

  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    DocumentBuilder builder = factory.newDocumentBuilder();
    builder.setErrorHandler(null);
    return builder.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  static List<Element> elements(Document doc, String tag, String cssClass) {
    NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (cssClass == null || e.getAttribute("class").equals(cssClass)) {
        out.add(e);
      }
    }
    return out;
  }

  /** The number of points of a polyline. */
  static int points(Element polyline) {
    String points = polyline.getAttribute("points").trim();
    return points.isEmpty() ? 0 : points.split("\\s+").length;
  }

  /** The texts of all text elements, in document order. */
  static List<String> texts(Document doc) {
    return elements(doc, "text", null).stream().map(Element::getTextContent).toList();
  }
}
