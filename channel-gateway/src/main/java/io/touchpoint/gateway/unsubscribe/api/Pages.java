package io.touchpoint.gateway.unsubscribe.api;

/** The small HTML pages people reach from a message's links: no script, no styles, text escaped. */
final class Pages {

    private Pages() {
    }

    static String page(String title, String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head><body><main><h1>"
                + escape(title) + "</h1>" + body + "</main></body></html>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
