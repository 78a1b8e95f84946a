/**
 * Plain shapes used by the SLA lifecycle planner. They mirror the Prisma models (SLAPolicy, SLAMetric,
 * Ticket) structurally, with string unions instead of Prisma enums, so the core stays framework-free.
 */
export type SlaMetricType = 'FIRST_RESPONSE' | 'NEXT_RESPONSE' | 'RESOLUTION';
export type SlaMetricStatus = 'ACTIVE' | 'PAUSED' | 'AT_RISK' | 'MET' | 'BREACHED' | 'CANCELLED';
export type TicketStatusName = 'OPEN' | 'IN_PROGRESS' | 'PENDING_CUSTOMER' | 'ON_HOLD' | 'RESOLVED' | 'CLOSED';
export type TicketPriorityName = 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';
export type TicketChannelName = 'WEB' | 'EMAIL' | 'FORM' | 'API';

export const SLA_METRIC_TYPES: readonly SlaMetricType[] = ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'];
export const TICKET_PRIORITIES: readonly TicketPriorityName[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];
/** Metrics whose clock is still running (or paused): the only ones the planner changes, except reopen. */
export const OPEN_METRIC_STATUSES: readonly SlaMetricStatus[] = ['ACTIVE', 'AT_RISK', 'PAUSED'];
/** Open metrics whose clock runs (not paused): the sweep breaches them when due; a pause stops them. */
export const RUNNING_METRIC_STATUSES: readonly SlaMetricStatus[] = ['ACTIVE', 'AT_RISK'];
export const DONE_TICKET_STATUSES: readonly TicketStatusName[] = ['RESOLVED', 'CLOSED'];

export interface SlaPolicyConditions {
  priorities?: string[];
  channels?: string[];
  tags?: string[];
  workflowIds?: string[];
  formIds?: string[];
  /** The ticket's team is one of these. */
  teamIds?: string[];
}

/** `{ FIRST_RESPONSE?: { LOW?: minutes, ... }, NEXT_RESPONSE?: ..., RESOLUTION?: ... }` */
export type SlaPolicyTargets = Partial<Record<SlaMetricType, Partial<Record<TicketPriorityName, number>>>>;

/** Structural subset of the SLAPolicy row (Json columns are `unknown`). */
export interface SlaPolicyLike {
  id: string;
  position: number;
  isActive: boolean;
  deletedAt?: Date | null;
  conditions: unknown;
  targets: unknown;
  timezone: string;
  businessHours: unknown;
  holidays: unknown;
  pauseStatuses: readonly string[];
  warningThresholdPercent: number;
  version: number;
  /** An explicit "no SLA" policy: it matches tickets but starts no clocks. */
  noSla?: boolean;
  /** Tie-breaker for equal positions (older first). */
  createdAt?: Date;
}

/** Structural subset of the Ticket row used for matching and planning. */
export interface SlaTicketLike {
  status: string;
  priority: string;
  channel?: string | null;
  tags?: readonly string[] | null;
  workflowId?: string | null;
  formId?: string | null;
  teamId?: string | null;
  firstRespondedAt?: Date | null;
}

/** Structural subset of an SLAMetric row. */
export interface SlaMetricState {
  id: string;
  policyId: string;
  policyVersion: number;
  type: SlaMetricType;
  cycle: number;
  targetMinutes: number;
  status: SlaMetricStatus;
  startedAt: Date;
  dueAt: Date;
  warningAt: Date | null;
  pausedAt: Date | null;
  pausedBusinessSeconds: number;
  completedAt: Date | null;
  breachedAt: Date | null;
}

export type SlaEvent =
  | { kind: 'created' }
  | { kind: 'statusChanged'; from: string; to: string }
  | { kind: 'priorityChanged'; from: string; to: string }
  | { kind: 'agentPublicReply' }
  | { kind: 'customerReply' }
  | { kind: 'deleted' }
  | { kind: 'policyChanged' };

/** Columns a planner operation may set on an existing metric. */
export interface SlaMetricFields {
  policyId?: string;
  policyVersion?: number;
  targetMinutes?: number;
  status?: SlaMetricStatus;
  dueAt?: Date;
  warningAt?: Date | null;
  pausedAt?: Date | null;
  pausedBusinessSeconds?: number;
  completedAt?: Date | null;
}

export interface SlaCreateOp {
  op: 'create';
  policyId: string;
  policyVersion: number;
  type: SlaMetricType;
  cycle: number;
  targetMinutes: number;
  status: 'ACTIVE' | 'PAUSED';
  startedAt: Date;
  dueAt: Date;
  warningAt: Date;
  pausedAt: Date | null;
}

/** update: recomputation / pause / resume; complete: MET (or completedAt on BREACHED); cancel: CANCELLED. */
export interface SlaChangeOp {
  op: 'update' | 'complete' | 'cancel';
  id: string;
  type: SlaMetricType;
  fields: SlaMetricFields;
}

export type SlaMetricOp = SlaCreateOp | SlaChangeOp;
