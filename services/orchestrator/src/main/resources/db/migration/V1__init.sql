-- Avalo orchestrator schema: services and their revision history, strategies, deployments with an optimistic
-- version and a stored deadline, the timeline (audit), the transactional outbox, router acks, idempotency keys.

create table service (
    name             text        not null,
    environment      text        not null,
    stable_revision  text        not null,
    upstreams        jsonb       not null,
    route_generation bigint      not null default 0,
    route            jsonb,
    created_by       text        not null,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    primary key (name, environment)
);

create table revision (
    service       text        not null,
    environment   text        not null,
    revision      text        not null,
    upstreams     jsonb       not null,
    status        text        not null,
    deployment_id uuid,
    first_seen_at timestamptz not null,
    stable_since  timestamptz,
    archived_at   timestamptz,
    primary key (service, environment, revision)
);

create table strategy (
    environment text        primary key,
    body        jsonb       not null,
    updated_by  text        not null,
    updated_at  timestamptz not null
);

create table deployment (
    id                  uuid        primary key,
    service             text        not null,
    environment         text        not null,
    from_revision       text        not null,
    from_upstreams      jsonb       not null,
    to_revision         text        not null,
    to_upstreams        jsonb       not null,
    strategy            text        not null,
    plan                jsonb       not null,
    phase               text        not null,
    stage_index         int         not null,
    stage_started_at    timestamptz not null,
    paused_from         text,
    awaiting            text,
    approved_stage      int         not null default -1,
    health_snapshot     jsonb,
    last_report         jsonb,
    data_since          timestamptz not null,
    warned_missing      boolean     not null default false,
    phase_since         timestamptz not null,
    rollback_safe       boolean     not null,
    rollback_generation bigint      not null default 0,
    rollback_revision   text,
    rollback_millis     bigint,
    blue_archived       boolean     not null default false,
    deadline            timestamptz,
    migration           jsonb,
    emergency           jsonb,
    checklist           jsonb       not null default '{}'::jsonb,
    created_by          text        not null,
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    version             bigint      not null default 0
);

-- one live deployment per service and environment, enforced by the database
create unique index deployment_one_live on deployment (service, environment)
    where phase in ('PENDING', 'RUNNING', 'PAUSED', 'AWAITING_APPROVAL', 'BAKING', 'ROLLING_BACK');
create index deployment_deadline on deployment (deadline) where deadline is not null;
create index deployment_service on deployment (service, environment, created_at desc);

create table deployment_event (
    id            uuid        primary key,
    deployment_id uuid        not null references deployment (id),
    seq           bigserial   not null,
    type          text        not null,
    actor         text        not null,
    kind          text,
    reason        text,
    phase         text        not null,
    stage_index   int         not null,
    at            timestamptz not null
);
create index deployment_event_by_deployment on deployment_event (deployment_id, seq);

create table outbox (
    id           bigserial   primary key,
    kind         text        not null, -- 'event' (JetStream) or 'route' (KV)
    subject      text        not null, -- subject for events, KV key for routes
    msg_id       text        not null,
    payload      bytea       not null,
    generation   bigint,
    created_at   timestamptz not null,
    published_at timestamptz
);
create index outbox_pending on outbox (id) where published_at is null;

create table router_ack (
    service     text        not null,
    environment text        not null,
    router_id   text        not null,
    generation  bigint      not null,
    applied_at  timestamptz,
    received_at timestamptz not null,
    primary key (service, environment, router_id)
);

create table idempotency_key (
    actor         text        not null,
    key           text        not null,
    request_hash  text        not null,
    deployment_id uuid        not null,
    created_at    timestamptz not null,
    primary key (actor, key)
);
