package io.github.bamjava.taskfile;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * The rows of a data file in one of the {@link DataFormat}s. CSV and TSV are parsed by Apache Commons CSV (RFC 4180
 * quoting for CSV, none for TSV); JSON Lines by Gson, strictly, one object a line.
 */
final class DataFiles {

  private static final CSVFormat CSV = CSVFormat.RFC4180.builder()
      .setHeader().setSkipHeaderRecord(true)
      .setIgnoreEmptyLines(true)
      .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
      .get();
  private static final CSVFormat TSV = CSVFormat.TDF.builder()
      .setHeader().setSkipHeaderRecord(true)
      .setQuote(null) // quotes are text in TSV, as in GLUE's files: "a ""quoted"" word" stays as written
      .setIgnoreSurroundingSpaces(false)
      .setTrim(false)
      .setIgnoreEmptyLines(true)
      .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
      .get();

  private DataFiles() {}

  /**
   * Every row of {@code file}.
   *
   * @param fields the fields the task reads: a CSV or TSV header without one of them is an error
   * @param what what the file is, for errors ("the dev file of task reviews")
   */
  static List<DataRow> read(Path file, DataFormat format, List<String> fields, String what) throws IOException {
    String text = Utf8Text.read(file, what);
    return format == DataFormat.JSONL ? jsonLines(file, text) : delimited(file, text, format, fields);
  }

  private static List<DataRow> delimited(Path file, String text, DataFormat format, List<String> fields)
      throws IOException {
    int[] lineStarts = lineStarts(text);
    List<DataRow> rows = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(text, format == DataFormat.CSV ? CSV : TSV)) {
      List<String> header = parser.getHeaderNames();
      if (header.isEmpty()) {
        throw new TaskFileException(file, 1, "no header line: a " + format.fileName() + " file starts with a line"
            + " naming its columns");
      }
      for (String field : fields) {
        if (!header.contains(field)) {
          throw new TaskFileException(file, 1, "field '" + field + "' is not a column of the header " + header);
        }
      }
      for (CSVRecord record : parser) {
        int line = lineOf(lineStarts, record.getCharacterPosition());
        if (record.size() != header.size()) {
          throw new TaskFileException(file, line, String.format("%d field(s) where the header has %d%s", record.size(),
              header.size(), format == DataFormat.TSV ? " (a tab inside a text?)"
                  : " (an unquoted comma, or a quote not closed?)"));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
          values.put(header.get(i), record.get(i));
        }
        rows.add(new DataRow(file, line, values, Set.of()));
      }
    } catch (UncheckedIOException e) {
      // Commons CSV reports a quote left open at the end of the file this way.
      throw new TaskFileException(file, 0, "not valid " + format.fileName() + ": " + e.getCause().getMessage());
    } catch (IllegalArgumentException e) {
      throw new TaskFileException(file, 1, "bad header: " + e.getMessage());
    }
    return rows;
  }

  private static List<DataRow> jsonLines(Path file, String text) throws TaskFileException {
    List<DataRow> rows = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank()) {
        continue;
      }
      JsonElement e;
      try {
        JsonReader reader = new JsonReader(new StringReader(line));
        reader.setStrictness(Strictness.STRICT);
        e = JsonParser.parseReader(reader);
        if (reader.peek() != JsonToken.END_DOCUMENT) {
          throw new JsonParseException("more than one JSON value on the line");
        }
      } catch (JsonParseException | IOException | IllegalStateException ex) {
        String why = ex.getCause() != null && ex.getCause().getMessage() != null ? ex.getCause().getMessage()
            : ex.getMessage();
        throw new TaskFileException(file, i + 1, "not valid JSON: " + why);
      }
      if (!(e instanceof JsonObject object)) {
        throw new TaskFileException(file, i + 1, "a JSON Lines row must be a JSON object, got " + e);
      }
      Map<String, String> values = new HashMap<>();
      Set<String> structured = new HashSet<>();
      for (Map.Entry<String, JsonElement> m : object.entrySet()) {
        JsonElement v = m.getValue();
        if (v.isJsonPrimitive()) {
          values.put(m.getKey(), v.getAsJsonPrimitive().isString() ? v.getAsString() : v.toString());
        } else if (!v.isJsonNull()) {
          structured.add(m.getKey());
        }
      }
      rows.add(new DataRow(file, i + 1, values, structured));
    }
    return rows;
  }

  /** The character offset where each line starts. */
  private static int[] lineStarts(String text) {
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The 1-based line of a character offset. */
  private static int lineOf(int[] lineStarts, long offset) {
    int i = Arrays.binarySearch(lineStarts, (int) offset);
    return (i >= 0 ? i : -i - 2) + 1;
  }
}
