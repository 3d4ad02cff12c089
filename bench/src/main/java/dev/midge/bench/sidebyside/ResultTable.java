package dev.midge.bench.sidebyside;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The side-by-side figures, printed as a Markdown table ready for BENCHMARKS.md. */
final class ResultTable {

    private record Row(String scenario, String what, String unit, boolean higherIsBetter, double midge,
                       double mosquitto, String note) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(String scenario, String what, String unit, boolean higherIsBetter, double midge, double mosquitto,
             String note) {
        rows.add(new Row(scenario, what, unit, higherIsBetter, midge, mosquitto, note));
        System.out.printf("  %-11s %-40s Midge %12s  mosquitto %12s  ratio %s%n", scenario, what, format(midge),
                format(mosquitto), ratio(midge, mosquitto));
    }

    void print(PrintStream out) {
        out.println();
        out.println("| scenario | what | unit | Midge | mosquitto | Midge / mosquitto | better | notes |");
        out.println("|---|---|---|---:|---:|---:|---|---|");
        for (Row r : rows) {
            out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.scenario(), r.what(), r.unit(),
                    format(r.midge()), format(r.mosquitto()), ratio(r.midge(), r.mosquitto()),
                    r.higherIsBetter() ? "higher" : "lower", r.note());
        }
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v >= 100 ? String.format("%,.0f", v) : String.format("%,.1f", v);
    }

    private static String ratio(double midge, double mosquitto) {
        if (Double.isNaN(midge) || Double.isNaN(mosquitto) || mosquitto == 0) {
            return "n/a";
        }
        return String.format("%.2f", midge / mosquitto);
    }
}
