-- On-site content: placements (a banner slot, a landing page) by the stable key pages ask for, a
-- draft people edit and immutable published versions; visitors are served the latest version.
-- revision moves with every publication, from one sequence, so a gateway replica can tell that its
-- copy is stale, even of a placement deleted and made again under the same key.
CREATE SEQUENCE placement_revision;

CREATE TABLE placement (
    placement_key  text        PRIMARY KEY,
    name           text        NOT NULL,
    description    text,
    draft          jsonb       NOT NULL,
    latest_version integer,
    revision       bigint,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX placement_created ON placement (created_at, placement_key);

CREATE TABLE placement_version (
    placement_key text        NOT NULL REFERENCES placement (placement_key) ON DELETE CASCADE,
    version       integer     NOT NULL,
    content       jsonb       NOT NULL,
    published_at  timestamptz NOT NULL,
    PRIMARY KEY (placement_key, version)
);
