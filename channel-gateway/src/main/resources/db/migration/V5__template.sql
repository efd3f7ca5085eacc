-- Templates by the stable key journeys name (a send node's "template"): a draft people edit and
-- immutable published versions; deliveries render the latest published version.
CREATE TABLE template (
    template_key   text        PRIMARY KEY,
    name           text        NOT NULL,
    description    text,
    draft          jsonb       NOT NULL,
    latest_version integer,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX template_created ON template (created_at, template_key);

CREATE TABLE template_version (
    template_key text        NOT NULL REFERENCES template (template_key),
    version      integer     NOT NULL,
    content      jsonb       NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (template_key, version)
);
