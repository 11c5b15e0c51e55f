package io.github.bamjava.glue;

import io.github.bamjava.train.SyntheticTasks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes small GLUE files in the official layouts; rows are tab-joined, lines end with '\n'. */
public final class GlueFixtures {
  private GlueFixtures() {}

  private static final List<String> POSITIVE = List.of("good", "great", "fine", "nice");
  private static final List<String> NEGATIVE = List.of("bad", "awful", "poor", "sad");

  public static final String BOM = "\uFEFF";

  /** Writes {@code rows} (each a tab-joined line) to {@code dir/relative}. */
  public static Path write(Path dir, String relative, String... rows) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    StringBuilder text = new StringBuilder();
    for (String row : rows) {
      text.append(row).append('\n');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  public static String row(String... fields) {
    return String.join("\t", fields);
  }

  /** A complete GLUE directory: every task with train, dev and test, MNLI with both dev/test sets, and AX. */
  public static void writeAll(Path dir) throws IOException {
    // CoLA: no header in train/dev; the test file has one. A sentence starting with '"' must stay one row.
    write(dir, "CoLA/train.tsv",
        row("gj04", "1", "", "Our friends won't buy this analysis."),
        row("gj04", "0", "*", "\"They drank the pub dry."),
        row("gj04", "1", "", "He said \"hi\" and left."));
    write(dir, "CoLA/dev.tsv", row("gj04", "1", "", "The sailors rode the breeze."));
    write(dir, "CoLA/test.tsv", row("index", "sentence"), row("0", "Bill whistled past the house."),
        row("1", "\"The car honked."));
    write(dir, "SST-2/train.tsv", row("sentence", "label"), row("hide new secretions ", "0"),
        row("\"contains no wit ", "0"), row("that loves its characters ", "1"));
    write(dir, "SST-2/dev.tsv", row("sentence", "label"), row("it 's a charming journey . ", "1"));
    write(dir, "SST-2/test.tsv", row("index", "sentence"), row("0", "uneasy mishmash"), row("1", "a gem"));
    // MRPC: the header starts with a byte order mark.
    write(dir, "MRPC/train.tsv", BOM + row("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"),
        row("1", "702876", "702977", "Amrozi accused his brother.", "Referring to him, Amrozi accused."),
        row("0", "2108705", "2108831", "\"Yucaipa owned Dominick's.", "Yucaipa bought Dominick's."));
    write(dir, "MRPC/dev.tsv", BOM + row("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"),
        row("1", "1355540", "1355592", "He is tall.", "He's tall."));
    write(dir, "MRPC/test.tsv", BOM + row("index", "#1 ID", "#2 ID", "#1 String", "#2 String"),
        row("0", "1089874", "1089925", "PCCW's chief.", "Chief of PCCW."),
        row("1", "3019446", "3019327", "World's best.", "Best in the world."));
    String stsHeader = row("index", "genre", "filename", "year", "old_index", "source1", "source2",
        "sentence1", "sentence2", "score");
    write(dir, "STS-B/train.tsv", stsHeader,
        row("0", "main-captions", "MSRvid", "2012test", "0001", "none", "none", "A plane is taking off.",
            "An air plane is taking off.", "5.000"),
        row("1", "main-captions", "MSRvid", "2012test", "0004", "none", "none", "A man plays a flute.",
            "\"A man plays a flute.", "3.800"));
    write(dir, "STS-B/dev.tsv", stsHeader,
        row("0", "main-captions", "MSRvid", "2012test", "0000", "none", "none", "A man with a hat.",
            "A man is dancing.", "0.500"));
    write(dir, "STS-B/test.tsv",
        row("index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1", "sentence2"),
        row("0", "main-captions", "MSRvid", "2012test", "0024", "none", "none", "A girl styles her hair.",
            "A girl brushes her hair."));
    write(dir, "QQP/train.tsv", row("id", "qid1", "qid2", "question1", "question2", "is_duplicate"),
        row("133273", "213221", "213222", "How is the life of a math student?",
            "Which level of prepration is enough?", "0"),
        row("402555", "536040", "536041", "\"How do I control my horny emotions?", "How do you control it?",
            "1"));
    write(dir, "QQP/dev.tsv", row("id", "qid1", "qid2", "question1", "question2", "is_duplicate"),
        row("201359", "303345", "303346", "Why are African-Americans so beautiful?",
            "Why are hispanics so beautiful?", "0"));
    write(dir, "QQP/test.tsv", row("id", "question1", "question2"),
        row("0", "Why do rockets look white?", "Why are rockets and boosters painted white?"));
    String mnliTrainHeader = row("index", "promptID", "pairID", "genre", "sentence1_binary_parse",
        "sentence2_binary_parse", "sentence1_parse", "sentence2_parse", "sentence1", "sentence2", "label1",
        "gold_label");
    write(dir, "MNLI/train.tsv", mnliTrainHeader,
        row("0", "31193", "31193n", "government", "", "", "", "", "Conceptually cream skimming.",
            "Product and geography.", "neutral", "neutral"),
        row("1", "101457", "101457e", "telephone", "", "", "", "", "\"you know during the season",
            "You lose the things.", "entailment", "entailment"));
    String mnliDevHeader = row("index", "promptID", "pairID", "genre", "sentence1_binary_parse",
        "sentence2_binary_parse", "sentence1_parse", "sentence2_parse", "sentence1", "sentence2", "label1",
        "label2", "label3", "label4", "label5", "gold_label");
    write(dir, "MNLI/dev_matched.tsv", mnliDevHeader,
        row("0", "63735", "63735n", "slate", "", "", "", "", "The new rights are nice.",
            "Everyone really likes them.", "neutral", "entailment", "neutral", "neutral", "neutral", "neutral"));
    write(dir, "MNLI/dev_mismatched.tsv", mnliDevHeader,
        row("0", "75290", "75290c", "letters", "", "", "", "", "Your contribution helped.",
            "It helped nobody.", "contradiction", "contradiction", "contradiction", "contradiction",
            "contradiction", "contradiction"),
        row("1", "133794", "133794c", "verbatim", "", "", "", "", "The answer is yes.", "It is no.",
            "contradiction", "neutral", "contradiction", "", "", "contradiction"));
    String mnliTestHeader = row("index", "promptID", "pairID", "genre", "sentence1_binary_parse",
        "sentence2_binary_parse", "sentence1_parse", "sentence2_parse", "sentence1", "sentence2");
    write(dir, "MNLI/test_matched.tsv", mnliTestHeader,
        row("0", "31493", "31493", "travel", "", "", "", "", "Hierbas is a liqueur.", "It is a drink."));
    write(dir, "MNLI/test_mismatched.tsv", mnliTestHeader,
        row("0", "1", "1", "letters", "", "", "", "", "What we do matters.", "It matters."),
        row("1", "2", "2", "letters", "", "", "", "", "We are small.", "We are big."));
    for (String task : new String[] {"QNLI", "RTE", "WNLI"}) {
      boolean qnli = task.equals("QNLI");
      String[] labels = task.equals("WNLI") ? new String[] {"1", "0"}
          : new String[] {"entailment", "not_entailment"};
      String a = qnli ? "question" : "sentence1";
      String b = qnli ? "sentence" : "sentence2";
      write(dir, task + "/train.tsv", row("index", a, b, "label"),
          row("0", "What came into force?", "The law came into force.", labels[0]),
          row("1", "\"Who won?", "Nobody played.", labels[1]));
      write(dir, task + "/dev.tsv", row("index", a, b, "label"), row("0", "Is it?", "It is.", labels[0]));
      write(dir, task + "/test.tsv", row("index", a, b), row("0", "Was it?", "It was."),
          row("1", "Did he?", "He did not."));
    }
    write(dir, "diagnostic/diagnostic.tsv", row("index", "sentence1", "sentence2"),
        row("0", "The cat sat on the mat.", "The cat did not sit on the mat."),
        row("1", "\"Quoted\" start.", "Unquoted."));
  }

  /** SST-2 and STS-B with 60 train, 20 dev and 20 test rows over {@link SyntheticTasks#vocabulary()}. */
  public static void writeSentimentAndSimilarity(Path glue) throws IOException {
    Random r = new Random(3);
    List<String> fillers = SyntheticTasks.vocabulary().subList(16, SyntheticTasks.vocabulary().size());
    for (String split : List.of("train", "dev", "test")) {
      int n = split.equals("train") ? 60 : 20;
      List<String> sst = new ArrayList<>();
      List<String> sts = new ArrayList<>();
      sst.add(split.equals("test") ? row("index", "sentence") : row("sentence", "label"));
      sts.add(row("index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1",
          "sentence2") + (split.equals("test") ? "" : "\tscore"));
      for (int i = 0; i < n; i++) {
        boolean positive = r.nextBoolean();
        String sentence = words(r, fillers) + " " + (positive ? POSITIVE : NEGATIVE).get(r.nextInt(4));
        sst.add(split.equals("test") ? row(Integer.toString(i), sentence) : row(sentence, positive ? "1" : "0"));
        int stars = r.nextInt(6);
        String b = words(r, fillers) + " star".repeat(stars);
        String sts9 = row(Integer.toString(i), "main", "fixture", "2024", "0", "none", "none", words(r, fillers),
            b);
        sts.add(split.equals("test") ? sts9 : sts9 + "\t" + stars + ".000");
      }
      write(glue, "SST-2/" + split + ".tsv", sst.toArray(new String[0]));
      write(glue, "STS-B/" + split + ".tsv", sts.toArray(new String[0]));
    }
  }

  private static String words(Random r, List<String> fillers) {
    List<String> w = new ArrayList<>();
    for (int i = 0; i < 3 + r.nextInt(4); i++) {
      w.add(fillers.get(r.nextInt(fillers.size())));
    }
    return String.join(" ", w);
  }
}
