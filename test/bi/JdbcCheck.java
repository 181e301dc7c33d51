/*
 * JdbcCheck: read every view of the schema krimp_bi through pgJDBC (the
 * driver of Tableau, Metabase and DBeaver), the way a BI tool does, and report
 * what the driver says about each column and how many rows it fetched.
 *
 *   java -cp .:/usr/share/java/postgresql.jar JdbcCheck JDBC-URL USER PASSWORD
 *   java -cp .:/usr/share/java/postgresql.jar JdbcCheck JDBC-URL USER PASSWORD QUERY
 *
 * With a QUERY it runs only that, as a tool's own SQL, and prints
 * "answer <first column as text>" for each row (exit 1 on an error).
 * Prints, one fact per line (test/scripts/bi_drivers.sh reads them):
 *
 *   driver <name> <version>
 *   view <name>                                  (from DatabaseMetaData.getTables, schema krimp_bi)
 *   column <view> <column> <java.sql.Types code> <Types name> <server type name> standard|exception|NONSTANDARD
 *   rows <view> <rows fetched>
 *
 * A column is standard when getColumnType is VARCHAR, CHAR, LONGVARCHAR,
 * INTEGER, BIGINT, DOUBLE, FLOAT, NUMERIC, DECIMAL, DATE, TIMESTAMP,
 * TIMESTAMP_WITH_TIMEZONE, BOOLEAN or BIT and getColumnTypeName is one of
 * text, varchar, int4, int8, float8, numeric, date, timestamptz, bool; the
 * geometry of krimp_bi.region_layer is reported as the one exception.  Every
 * value is read with getObject and getString.  Exit status 0 when everything
 * was read, 1 on an SQL error, 2 when a column is not standard.
 *
 * Build: javac -d DIR JdbcCheck.java
 */
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

public class JdbcCheck {
    private static final Set<Integer> STANDARD_TYPES = Set.of(
        Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.INTEGER, Types.BIGINT, Types.DOUBLE,
        Types.FLOAT, Types.NUMERIC, Types.DECIMAL, Types.DATE, Types.TIMESTAMP,
        Types.TIMESTAMP_WITH_TIMEZONE, Types.BOOLEAN, Types.BIT);
    private static final Set<String> STANDARD_NAMES = Set.of(
        "text", "varchar", "int4", "int8", "float8", "numeric", "date", "timestamptz", "bool");

    private static String typeName(int code) {
        try {
            return JDBCType.valueOf(code).getName();
        } catch (IllegalArgumentException e) {
            return "UNKNOWN";
        }
    }

    public static void main(String[] args) {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: JdbcCheck JDBC-URL USER PASSWORD [QUERY]");
            System.exit(1);
        }
        if (args.length == 4) {
            // a tool's own SQL: the first column of every row, as text
            try (Connection conn = DriverManager.getConnection(args[0], args[1], args[2]);
                 Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery(args[3])) {
                System.out.println("driver " + conn.getMetaData().getDriverName().replace(' ', '_'));
                while (rs.next()) {
                    System.out.println("answer " + rs.getString(1));
                }
            } catch (SQLException e) {
                System.err.println(e.getSQLState() + " " + e.getMessage());
                System.exit(1);
            }
            System.exit(0);
        }
        int nonstandard = 0;
        try (Connection conn = DriverManager.getConnection(args[0], args[1], args[2])) {
            DatabaseMetaData md = conn.getMetaData();
            System.out.println("driver " + md.getDriverName().replace(' ', '_') + " " + md.getDriverVersion());
            List<String> views = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "krimp_bi", "%", new String[] {"VIEW"})) {
                while (rs.next()) {
                    views.add(rs.getString("TABLE_NAME"));
                    System.out.println("view " + rs.getString("TABLE_NAME"));
                }
            }
            for (String view : views) {
                try (Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT * FROM krimp_bi.\"" + view + "\"")) {
                    ResultSetMetaData rsmd = rs.getMetaData();
                    int n = rsmd.getColumnCount();
                    for (int c = 1; c <= n; c++) {
                        int type = rsmd.getColumnType(c);
                        String server = rsmd.getColumnTypeName(c);
                        String column = rsmd.getColumnName(c);
                        String verdict;
                        if (STANDARD_TYPES.contains(type) && STANDARD_NAMES.contains(server)) {
                            verdict = "standard";
                        } else if (view.equals("region_layer") && column.equals("geom")) {
                            verdict = "exception";
                        } else {
                            verdict = "NONSTANDARD";
                            nonstandard++;
                        }
                        System.out.println("column " + view + " " + column + " " + type + " " + typeName(type)
                                           + " " + server + " " + verdict);
                    }
                    long rows = 0;
                    while (rs.next()) {
                        for (int c = 1; c <= n; c++) {
                            rs.getObject(c);
                            rs.getString(c);
                        }
                        rows++;
                    }
                    System.out.println("rows " + view + " " + rows);
                }
            }
        } catch (SQLException e) {
            System.err.println("JdbcCheck: " + e.getSQLState() + " " + e.getMessage());
            System.exit(1);
        }
        System.exit(nonstandard > 0 ? 2 : 0);
    }
}
