-- Added by hand: extensions used below (trigram indexes) and by the exclusion constraints at the
-- end. Not declared in schema.prisma, see the comment on its datasource block.
CREATE EXTENSION IF NOT EXISTS "btree_gist";

CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "Protocol" AS ENUM ('tcp', 'udp', 'sctp', 'dccp');

-- CreateEnum
CREATE TYPE "EntryStatus" AS ENUM ('assigned', 'reserved', 'unassigned');

-- CreateEnum
CREATE TYPE "KeyScope" AS ENUM ('read', 'write', 'admin');

-- CreateTable
CREATE TABLE "registry_entries" (
    "id" SERIAL NOT NULL,
    "entry_key" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "service_name" TEXT,
    "name_key" TEXT,
    "port_start" INTEGER,
    "port_end" INTEGER,
    "protocol" "Protocol",
    "status" "EntryStatus" NOT NULL,
    "description" TEXT,
    "assignee" TEXT,
    "contact" TEXT,
    "registered" TEXT,
    "modified" TEXT,
    "references" TEXT[],
    "service_code" TEXT,
    "unauthorized_use" TEXT,
    "notes" TEXT,
    "primary" BOOLEAN NOT NULL DEFAULT false,
    "legacy" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "registry_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "checksum" TEXT,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "added" INTEGER NOT NULL DEFAULT 0,
    "changed" INTEGER NOT NULL DEFAULT 0,
    "removed" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organizations" (
    "id" SERIAL NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER,
    "name" TEXT,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" "KeyScope"[],
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignments" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "scope" TEXT NOT NULL DEFAULT 'default',
    "service_name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "port_start" INTEGER NOT NULL,
    "port_end" INTEGER NOT NULL,
    "description" TEXT,
    "owner" TEXT,
    "tags" TEXT[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reservations" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "scope" TEXT NOT NULL DEFAULT 'default',
    "protocol" "Protocol" NOT NULL,
    "port_start" INTEGER NOT NULL,
    "port_end" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL,
    "owner" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reservations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "id" SERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" INTEGER NOT NULL,
    "actor_key_id" INTEGER,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "registry_entries_entry_key_key" ON "registry_entries"("entry_key");

-- CreateIndex
CREATE INDEX "registry_entries_port_start_port_end_idx" ON "registry_entries"("port_start", "port_end");

-- CreateIndex
CREATE INDEX "registry_entries_name_key_idx" ON "registry_entries"("name_key");

-- CreateIndex
CREATE INDEX "registry_entries_name_key_trgm_idx" ON "registry_entries" USING GIN ("name_key" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "registry_entries_description_trgm_idx" ON "registry_entries" USING GIN ("description" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "sync_runs_started_at_idx" ON "sync_runs"("started_at");

-- CreateIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- CreateIndex
CREATE INDEX "api_keys_organization_id_idx" ON "api_keys"("organization_id");

-- CreateIndex
CREATE INDEX "assignments_organization_id_scope_protocol_port_start_idx" ON "assignments"("organization_id", "scope", "protocol", "port_start");

-- CreateIndex
CREATE INDEX "assignments_organization_id_name_key_idx" ON "assignments"("organization_id", "name_key");

-- CreateIndex
CREATE INDEX "reservations_organization_id_scope_protocol_port_start_idx" ON "reservations"("organization_id", "scope", "protocol", "port_start");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_records_organization_id_key_key" ON "idempotency_records"("organization_id", "key");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_at_idx" ON "audit_events"("organization_id", "at" DESC);

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Added by hand: constraints that Prisma's schema language cannot express. The schema engine
-- ignores CHECK and EXCLUDE constraints when it compares a database with schema.prisma, so the
-- next generated migration keeps them (test/db/migration-drift.test.ts checks that).
-- ---------------------------------------------------------------------------------------------

-- Port numbers are 16-bit (RFC 6335 section 6); a range runs from its start to its end.
ALTER TABLE "registry_entries" ADD CONSTRAINT "registry_entries_port_start_check" CHECK ("port_start" IS NULL OR "port_start" BETWEEN 0 AND 65535);
ALTER TABLE "registry_entries" ADD CONSTRAINT "registry_entries_port_end_check" CHECK ("port_end" IS NULL OR "port_end" BETWEEN 0 AND 65535);
ALTER TABLE "registry_entries" ADD CONSTRAINT "registry_entries_port_range_check" CHECK ("port_start" IS NULL OR "port_end" IS NULL OR "port_start" <= "port_end");

ALTER TABLE "assignments" ADD CONSTRAINT "assignments_port_start_check" CHECK ("port_start" BETWEEN 0 AND 65535);
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_port_end_check" CHECK ("port_end" BETWEEN 0 AND 65535);
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_port_range_check" CHECK ("port_start" <= "port_end");

ALTER TABLE "reservations" ADD CONSTRAINT "reservations_port_start_check" CHECK ("port_start" BETWEEN 0 AND 65535);
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_port_end_check" CHECK ("port_end" BETWEEN 0 AND 65535);
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_port_range_check" CHECK ("port_start" <= "port_end");

-- Two assignments of one organisation conflict when scope and protocol are equal and their port
-- ranges overlap (SPEC.md section 4): the database refuses the second one, whatever the number of
-- concurrent writers, with SQLSTATE 23P01 (exclusion_violation). btree_gist provides the
-- equality operator classes for integer, text and enum columns in a GiST index.
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_no_overlap" EXCLUDE USING gist (
    "organization_id" WITH =,
    "scope" WITH =,
    "protocol" WITH =,
    int4range("port_start", "port_end", '[]') WITH &&
);

-- Reservations of one organisation, scope and protocol do not overlap either.
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_no_overlap" EXCLUDE USING gist (
    "organization_id" WITH =,
    "scope" WITH =,
    "protocol" WITH =,
    int4range("port_start", "port_end", '[]') WITH &&
);
