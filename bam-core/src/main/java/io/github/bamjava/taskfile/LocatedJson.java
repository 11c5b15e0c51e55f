package io.github.bamjava.taskfile;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A task file's JSON with the line of every member, so that an error about a field names its line: Gson's tree
 * keeps no positions, so the file is read token by token through a reader that hands Gson one character at a
 * time, and what it has handed over is where Gson is.
 */
final class LocatedJson {

  /** A JSON syntax error, at a line. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;

    SyntaxError(int line, String message) {
      super(message);
      this.line = line;
    }
  }

  final JsonElement root;
  /** Member path ({@code tasks[1].labels}) to the line its name (or, in a list, its value) starts on. */
  final Map<String, Integer> lines;

  private LocatedJson(JsonElement root, Map<String, Integer> lines) {
    this.root = root;
    this.lines = lines;
  }

  static LocatedJson parse(String text) throws SyntaxError {
    OneCharReader in = new OneCharReader(text);
    JsonReader reader = new JsonReader(in);
    reader.setStrictness(Strictness.STRICT);
    Map<String, Integer> lines = new HashMap<>();
    try {
      JsonElement root = read(reader, "", in, lines);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new SyntaxError(in.line(), "more after the end of the top-level value");
      }
      return new LocatedJson(root, lines);
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new SyntaxError(in.line(), e.getMessage());
    }
  }

  private static JsonElement read(JsonReader r, String path, OneCharReader in, Map<String, Integer> lines)
      throws IOException, SyntaxError {
    switch (r.peek()) {
      case BEGIN_OBJECT: {
        r.beginObject();
        JsonObject o = new JsonObject();
        while (r.hasNext()) {
          String name = r.nextName();
          String member = path.isEmpty() ? name : path + "." + name;
          if (o.has(name)) {
            throw new SyntaxError(in.line(), "field '" + member + "' appears twice");
          }
          lines.put(member, in.line());
          o.add(name, read(r, member, in, lines));
        }
        r.endObject();
        return o;
      }
      case BEGIN_ARRAY: {
        r.beginArray();
        JsonArray a = new JsonArray();
        for (int i = 0; r.hasNext(); i++) {
          String element = path + "[" + i + "]";
          lines.put(element, in.line());
          a.add(read(r, element, in, lines));
        }
        r.endArray();
        return a;
      }
      case STRING:
        return new JsonPrimitive(r.nextString());
      case NUMBER:
        return new JsonPrimitive(new BigDecimal(r.nextString()));
      case BOOLEAN:
        return new JsonPrimitive(r.nextBoolean());
      case NULL:
        r.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw new SyntaxError(in.line(), "unexpected " + r.peek());
    }
  }

  /** Hands its reader one character per call, so that the characters handed over are those Gson has read. */
  private static final class OneCharReader extends Reader {
    private final String text;
    private final int[] lineStarts;
    private int position;

    OneCharReader(String text) {
      this.text = text;
      int[] starts = new int[(int) text.chars().filter(c -> c == '\n').count() + 1];
      int line = 0;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          starts[++line] = i + 1;
        }
      }
      this.lineStarts = starts;
    }

    /** The 1-based line of the last character handed over. */
    int line() {
      int at = Math.max(0, position - 1);
      int i = Arrays.binarySearch(lineStarts, at);
      return (i >= 0 ? i : -i - 2) + 1;
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      if (position >= text.length()) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }
      buffer[offset] = text.charAt(position++);
      return 1;
    }

    @Override
    public void close() {}
  }
}
