package io.touchpoint.platform.store;

import java.util.ArrayList;
import java.util.List;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;

/** Reading result rows. */
public final class Rows {

    private Rows() {
    }

    /** The first column of every row, as text, in the rows' order (ids a statement returned). */
    public static List<String> firstColumn(RowSet<Row> rows) {
        List<String> values = new ArrayList<>(rows.size());
        rows.forEach(r -> values.add(r.getString(0)));
        return values;
    }
}
