import { Problem } from './common.js';
import { Classification, PortNote, PortReport, ProtocolStatus, RegistryEntry } from './ports.js';
import {
  ApiKey,
  Assignment,
  AssignmentPage,
  AssignmentResult,
  AuditEvent,
  AuditPage,
  CreatedKey,
  CreatedOrg,
  Organization,
  Reservation,
  ReservationPage,
  Warning,
} from './orgs.js';
import { RangesTable } from './ranges.js';
import { Resolution, ServiceReport } from './services.js';

/** Schemas referenced by `$ref` from routes (and shown once in the OpenAPI components). */
export const SHARED_SCHEMAS = [
  Problem,
  Classification,
  ProtocolStatus,
  RegistryEntry,
  PortNote,
  PortReport,
  ServiceReport,
  Resolution,
  RangesTable,
  Organization,
  ApiKey,
  CreatedKey,
  CreatedOrg,
  Assignment,
  Warning,
  AssignmentResult,
  AssignmentPage,
  Reservation,
  ReservationPage,
  AuditEvent,
  AuditPage,
];
