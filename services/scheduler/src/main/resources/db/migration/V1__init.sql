-- Avalo scheduler schema: ad-hoc freezes, incidents, emergency overrides, the audit trail of every change and the freeze
-- announcements (which freeze started/ended events were published, so a restart neither repeats nor misses one).

CREATE TABLE scheduler.freezes (
    id           text PRIMARY KEY,
    name         text        NOT NULL,
    reason       text,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    environments text        NOT NULL DEFAULT '',
    services     text        NOT NULL DEFAULT '',
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX freezes_ends_at ON scheduler.freezes (ends_at);

CREATE TABLE scheduler.incidents (
    id          text PRIMARY KEY,
    title       text        NOT NULL,
    severity    text,
    services    text        NOT NULL DEFAULT '',
    opened_by   text        NOT NULL,
    opened_at   timestamptz NOT NULL,
    resolved_by text,
    resolved_at timestamptz
);
CREATE INDEX incidents_open ON scheduler.incidents (resolved_at) WHERE resolved_at IS NULL;

CREATE TABLE scheduler.overrides (
    seq             bigserial UNIQUE,
    id              text PRIMARY KEY,
    at              timestamptz NOT NULL,
    service         text        NOT NULL,
    environment     text        NOT NULL,
    approved_by     text        NOT NULL,
    reason          text        NOT NULL,
    actor           text        NOT NULL,
    channel         text        NOT NULL,
    blocked_reasons jsonb       NOT NULL,
    recorded_at     timestamptz NOT NULL
);

CREATE TABLE scheduler.audit (
    id     bigserial PRIMARY KEY,
    at     timestamptz NOT NULL,
    actor  text        NOT NULL,
    action text        NOT NULL,
    target text        NOT NULL,
    detail jsonb
);

CREATE TABLE scheduler.announcements (
    freeze_id   text PRIMARY KEY,
    freeze_view jsonb       NOT NULL,
    reason      text,
    declared_by text,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz
);
