-- The control plane's metadata. See docs/control-plane.md for the model.

create table users (
    id          uuid primary key,
    email       text not null unique,
    name        text not null,
    created_at  timestamptz not null
);

-- Only a SHA-256 hash of an API key is stored, with its first characters to recognise it.
create table api_keys (
    id           bigserial primary key,
    user_id      uuid not null references users (id) on delete cascade,
    name         text not null,
    key_prefix   text not null,
    key_hash     bytea not null unique,
    created_at   timestamptz not null,
    last_used_at timestamptz,
    revoked      boolean not null default false
);

-- A project is a tenant of the storage node.
create table projects (
    id                               text primary key,
    owner_id                         uuid not null references users (id),
    name                             text not null,
    tenant_id                        text not null unique,
    pg_version                       integer not null,
    region_id                        text not null,
    default_suspend_timeout_seconds  integer not null default 0,
    history_retention_seconds        integer not null,
    created_at                       timestamptz not null,
    updated_at                       timestamptz not null,
    deleted_at                       timestamptz
);
create index projects_owner on projects (owner_id) where deleted_at is null;

-- A branch is a timeline. Restore gives a branch a new timeline: timeline_id changes, the id stays.
create table branches (
    id                text primary key,
    project_id        text not null references projects (id) on delete cascade,
    name              text not null,
    timeline_id       text not null unique,
    parent_id         text,
    parent_lsn        text,
    parent_timestamp  timestamptz,
    is_default        boolean not null default false,
    current_state     text not null,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    last_reset_at     timestamptz
);
create index branches_project on branches (project_id);

-- An endpoint is a compute of a branch. admin_password is encrypted (see SecretCipher).
create table endpoints (
    id                       text primary key,
    project_id               text not null references projects (id) on delete cascade,
    branch_id                text not null references branches (id) on delete cascade,
    type                     text not null,
    current_state            text not null,
    suspend_timeout_seconds  integer not null default 0,
    host                     text,
    port                     integer not null unique,
    admin_password           text not null,
    disabled                 boolean not null default false,
    last_active              timestamptz,
    created_at               timestamptz not null,
    updated_at               timestamptz not null
);
create index endpoints_branch on endpoints (branch_id);
create unique index endpoints_one_read_write on endpoints (branch_id) where type = 'read_write';

-- Postgres roles of a branch. password is encrypted (see SecretCipher); reveal_password decrypts it.
create table roles (
    id          bigserial primary key,
    branch_id   text not null references branches (id) on delete cascade,
    name        text not null,
    password    text,
    protected   boolean not null default false,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    unique (branch_id, name)
);

create table databases (
    id          bigserial primary key,
    branch_id   text not null references branches (id) on delete cascade,
    name        text not null,
    owner_name  text not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    unique (branch_id, name)
);

-- Work the worker does, in seq order per project, with retries. No foreign keys: an operation
-- outlives the branch or endpoint it deleted.
create table operations (
    id                 uuid primary key,
    seq                bigserial unique,
    project_id         text not null,
    branch_id          text,
    endpoint_id        text,
    action             text not null,
    status             text not null,
    failures_count     integer not null default 0,
    error              text,
    params             text not null default '{}',
    attempt_at         timestamptz not null,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    total_duration_ms  bigint not null default 0
);
create index operations_project on operations (project_id, seq);
create index operations_unfinished on operations (attempt_at) where status in ('scheduling', 'running', 'failed');
