/**
 * Everything a run learns, gathered as it goes: the source of the outputs, the job summary and
 * the sanitized run record. Workflows write to it; `main.ts` renders it once at the end, whether
 * the run succeeded or not.
 */
import type { JsonObject } from '../json.js';
import type { CallRecord } from '../store/http.js';
import { describeTarget, type Target } from '../store/kinds.js';
import type { RolloutState } from '../store/rollout.js';
import type { ListingsOutcome, RetentionOutcome } from '../submission/content.js';
import type { SubmissionDiff } from '../submission/diff.js';

export interface StatusChange {
  status: string;
  /** ISO time the action saw it. */
  at: string;
  /** Seconds since the commit (or since the action started polling). */
  elapsedSeconds: number;
}

export interface UploadedFile {
  name: string;
  size: number;
  /** What the Store reports for it after processing, where it does. */
  version?: string;
  architecture?: string;
}

/** An installer of an MSI/EXE product, as the summary lists it. */
export interface InstallerEntry {
  /** The URL without its query (a signed download URL's query is a credential). */
  url: string;
  /** `x64`, `arm64`, ... */
  architecture: string;
  /** `msi` or `exe`. */
  type: string;
  languages: string[];
  /** Bytes, when the URL check learnt it. */
  size?: number;
}

/** A new package as its manifest describes it. */
export interface PackageRecord {
  /** Its name in the upload zip. */
  file: string;
  /** Identity `Name` and `Publisher`, as written in the manifest. */
  identity: string;
  publisher: string;
  /** Identity `Version` (of the bundle, for bundles). */
  version: string;
  /** The `Version` of each of its application packages that differs from `version` (bundles whose packages carry their own). */
  otherVersions?: string[];
  /** Architectures of its application packages, lower case (`x64`, `arm64`, ...). */
  architectures: string[];
  /** Device family names (`Windows.Desktop`, ...). */
  deviceFamilies: string[];
}

/**
 * What the read-back after processing found (docs/contract.md "What the Store took"): `passed`
 * every file this run added or kept is listed, and each new package with its version where the
 * Store reports one; `unconfirmed` listed, but the Store reports no version yet for a new package;
 * `failed` something is missing or differs (`problems` says what); `not-checked` the run did not
 * wait for processing (`reason`).
 */
export interface VerificationRecord {
  outcome: 'passed' | 'unconfirmed' | 'failed' | 'not-checked';
  /** The submission's status in the read-back. */
  status?: string;
  /** File names this run added, and those it kept, that were checked. */
  added: string[];
  kept: string[];
  /** One sentence per file the Store did not take as committed, naming the file. */
  problems: string[];
  /** New packages listed without a version yet. */
  versionNotReported: string[];
  reason?: string;
}

export interface DryRunPlan {
  steps: string[];
  diff: SubmissionDiff;
  /** The submission JSON that would be sent (without upload URL). */
  submission: JsonObject;
  zipBytes: number;
}

/** The workflow run that made the submission, so a Store submission can be traced back to its build. */
export interface RunOrigin {
  /** `owner/name`. */
  repository: string;
  /** The commit built. */
  sha: string;
  ref: string;
  workflow: string;
  runId: number;
  runAttempt: number;
  /** Link to the run, e.g. `https://github.com/owner/name/actions/runs/1/attempts/2`. */
  url: string;
}

export class RunRecord {
  command = '';
  /** e.g. "app 9NBLGGH4R315". */
  target = '';
  submissionId?: string | undefined;
  /** True once this run created a submission: a failure after that must name it. */
  createdSubmission = false;
  /** The submission in progress that stopped this run before it changed anything; `submissionId` names it too. */
  blockedBy?: string | undefined;
  /** The submission this run continued (an earlier attempt's), and from which step. */
  continued?: { submissionId: string; from: 'update' | 'wait' } | undefined;
  /** True when the run stopped before the commit on purpose (`commit: false`). */
  staged = false;
  /** What the staged submission changes against the last published one. */
  stagedDiff?: SubmissionDiff | undefined;
  status?: string;
  statusDetails?: JsonObject;
  flightId?: string;
  addOnId?: string;
  /** The Store ID of the app, or of a flight's app: with `addOnId`, what the Store links are built from. */
  appId?: string;
  /** An MSI/EXE product's ID GUID (`app-id`), for its Partner Center link. */
  installerProductId?: string;
  rolloutBefore?: RolloutState;
  rolloutAfter?: RolloutState;
  readonly timeline: StatusChange[] = [];
  readonly files: UploadedFile[] = [];
  /** MSI/EXE products: the installers sent (or that would be, or the draft's, for status). */
  readonly installers: InstallerEntry[] = [];
  /** The new packages, from their manifests (read before anything is created). */
  readonly packages: PackageRecord[] = [];
  /** What `listings` changed; undefined without it. */
  listings?: ListingsOutcome;
  /** What the read-back after processing found; undefined when the run committed nothing. */
  verification?: VerificationRecord;
  /** What `keep-package-versions` marked; undefined without it. */
  retention?: RetentionOutcome;
  upload?: { bytes: number; seconds: number; mbPerSecond: number };
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly calls: CallRecord[] = [];
  submissionSent?: JsonObject;
  submissionReturned?: JsonObject;
  plan?: DryRunPlan;
  /** The phase the run is in (or was in when it failed), e.g. "Upload". */
  phase = '';
  /** Where the run came from; undefined outside a workflow run. */
  origin?: RunOrigin | undefined;
  succeeded = false;
  readonly startedAt = new Date();

  /** Records the product the run works on: its description, its app's Store ID, and its flight or add-on ID (an output whenever one is the target). */
  setTarget(target: Target): void {
    this.target = describeTarget(target);
    if (target.kind !== 'add-on') this.appId = target.appId;
    if (target.kind === 'flight') this.flightId = target.flightId;
    if (target.kind === 'add-on') this.addOnId = target.addOnId;
  }

  /** Records a status, adding it to the timeline when it differs from the last one. Returns whether it changed. */
  observeStatus(status: string, at: Date, since: Date): boolean {
    this.status = status;
    const last = this.timeline[this.timeline.length - 1];
    if (last?.status === status) return false;
    this.timeline.push({
      status,
      at: at.toISOString(),
      elapsedSeconds: Math.round((at.getTime() - since.getTime()) / 1000),
    });
    return true;
  }
}
