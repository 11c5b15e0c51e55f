import io.github.bamjava.glue.GlueEvalSet;
import io.github.bamjava.glue.GlueReader;
import io.github.bamjava.glue.GlueTask;
import io.github.bamjava.task.Task;
import java.nio.file.Path;

/**
 * Reads every file of a GLUE directory with the library's reader and prints its row counts: a manual check that
 * real GLUE files pass the reader's checks (not a test: tests never read ../shared). Run by bench/glue-check.sh.
 */
public final class GlueCheck {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/glue-lite");
    GlueReader reader = GlueReader.of(dir);
    int files = 0;
    for (GlueTask g : GlueReader.availableTasks(dir)) {
      Task t = reader.read(g);
      System.out.printf("%-6s train %6d  dev %5d  test %5d%n", g.dirName(), t.train().size(), t.dev().size(),
          t.test().size());
      files += 2 + (t.test().isEmpty() ? 0 : 1);
      for (GlueEvalSet set : g.evalSets()) {
        if (set == g.primaryEvalSet()) {
          continue;
        }
        if (reader.hasDev(set)) {
          System.out.printf("%-8s dev %5d%n", set.displayName(), reader.readDev(set).size());
          files++;
        }
        if (reader.hasTest(set)) {
          System.out.printf("%-8s test %5d%n", set.displayName(), reader.readTest(set).size());
          files++;
        }
      }
    }
    System.out.println("OK: " + files + " file(s) in " + dir + " read without error");
  }
}
