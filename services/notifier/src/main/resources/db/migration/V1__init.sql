-- The notifier's delivery log: one row per (CloudEvent id, channel). The unique key is what makes redelivered events
-- harmless; the status column is the outbox the dispatcher works from.
CREATE TABLE deliveries (
    id              bigserial PRIMARY KEY,
    event_id        text        NOT NULL,
    channel         text        NOT NULL,
    event_type      text        NOT NULL,
    kind            text        NOT NULL,
    severity        text        NOT NULL,
    order_key       text        NOT NULL,
    title           text        NOT NULL,
    notification    jsonb       NOT NULL,
    -- PENDING (due at next_attempt_at), SENDING (claimed until lease_until), DELIVERED, SUMMARISED (carried by summary_id), DEAD
    status          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    last_error      text,
    detail          text,
    summary_id      bigint REFERENCES deliveries (id),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    CONSTRAINT deliveries_event_channel UNIQUE (event_id, channel),
    CONSTRAINT deliveries_status CHECK (status IN ('PENDING', 'SENDING', 'DELIVERED', 'SUMMARISED', 'DEAD'))
);

-- the claim walks a channel's pending rows in id order without touching delivered history
CREATE INDEX deliveries_pending ON deliveries (channel, id) WHERE status = 'PENDING';
CREATE INDEX deliveries_open_by_key ON deliveries (channel, order_key, id) WHERE status IN ('PENDING', 'SENDING');
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'SENDING';
CREATE INDEX deliveries_by_status ON deliveries (status, id);

-- every row is written three or four times within seconds: vacuum and analyze it often, so that the claim's plan stays on
-- the partial indexes and dead rows do not pile up under load
ALTER TABLE deliveries SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01,
    autovacuum_vacuum_cost_delay = 0);
