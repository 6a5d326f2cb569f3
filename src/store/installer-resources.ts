/**
 * The resources of the MSI/EXE submission API as typed objects (docs/store-api.md, the MSI/EXE API
 * section): the draft's packages, status and assets, a write's answer, a submission's status; and
 * how each is read from an answer's `responseData`, keeping only the fields the API documents.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { nonEmpty, text, type ApiMessage, type Envelope } from './installer-envelope.js';

/** A package of the draft as the API names its fields (GET/PUT `/packages`). */
export interface InstallerPackage {
  /** Assigned by the Store; absent in a PUT (the Store regenerates every ID). */
  packageId?: string;
  /** https URL of a versioned, downloadable installer; the Store downloads it. */
  packageUrl: string;
  /** Lower-case language tags, e.g. `en-us`. */
  languages: string[];
  /** Exactly one of `Neutral`, `X86`, `X64`, `Arm`, `Arm64`. */
  architectures: string[];
  isSilentInstall: boolean;
  /** Required when `isSilentInstall` is false. */
  installerParameters?: string;
  /** Required for `exe`: the page documenting the installer's error codes. */
  genericDocUrl?: string;
  /**
   * What the Store tells users for each installer error (`[{ errorScenario, errorScenarioDetails }]`),
   * set in Partner Center; the action carries it over and never writes its own.
   */
  errorDetails?: JsonValue[];
  packageType: 'exe' | 'msi';
}

/** GET `/status`: whether every module of the draft is ready, and the submission in progress if any. */
export interface DraftStatus {
  isReady: boolean;
  /** Empty string mapped to undefined. */
  ongoingSubmissionId?: string;
  /** Every entry of `errors` (e.g. `packageuploaderror` on target `packages` after a failed package commit). */
  messages: ApiMessage[];
}

/** What a write answered: where to poll, and the submission that blocks writes, if any. */
export interface WriteResult {
  pollingUrl?: string;
  ongoingSubmissionId?: string;
  warnings: ApiMessage[];
}

/** GET `/submission/{id}/status`. */
export interface PublishingStatus {
  /** `INPROGRESS`, `PUBLISHED`, `FAILED` or `UNKNOWN` (others passed through as sent). */
  publishingStatus: string;
  hasFailed: boolean;
  messages: ApiMessage[];
}

/** One upload slot from POST `/listings/assets/create`. */
export interface CreatedAsset {
  id: string;
  primaryAssetUploadUrl: string;
  secondaryAssetUploadUrl?: string;
  /** `PUT` as documented. */
  httpMethod: string;
  /** Headers the upload must carry; an empty value means "computed by the client" (e.g. Content-Length). */
  httpHeaders: Record<string, string>;
}

/** An asset kept or committed: its ID and URL (for a new one, the upload URL it was uploaded to). */
export interface AssetRef {
  id: string;
  assetUrl: string;
}

/** The assets of one listing language (GET `/listings/assets`, PUT `/listings/assets/commit`). */
export interface ListingAssets {
  language: string;
  storeLogos: AssetRef[];
  screenshots: AssetRef[];
}

/** How many upload slots to create: screenshots 1-10, logos 1-2 (either may be 0 or absent). */
export interface AssetCounts {
  Screenshot?: number;
  Logo?: number;
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The `storeLogos` or `screenshots` of an answer. */
export function assetRefs(value: JsonValue | undefined): AssetRef[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((a) => ({ id: text(a.id), assetUrl: text(a.assetUrl) }));
}

/** The upload slots of one type in a POST `/listings/assets/create` answer. */
export function createdAssets(value: JsonValue | undefined): CreatedAsset[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((a) => {
    const headers: Record<string, string> = {};
    if (isJsonObject(a.httpHeaders)) for (const [k, v] of Object.entries(a.httpHeaders)) headers[k] = text(v);
    const secondary = nonEmpty(a.secondaryAssetUploadUrl);
    return {
      id: text(a.id),
      primaryAssetUploadUrl: text(a.primaryAssetUploadUrl),
      ...(secondary ? { secondaryAssetUploadUrl: secondary } : {}),
      httpMethod: text(a.httpMethod) || 'PUT',
      httpHeaders: headers,
    };
  });
}

/** What a write answered. */
export function writeResult(envelope: Envelope): WriteResult {
  const pollingUrl = nonEmpty(envelope.data.pollingUrl);
  const ongoing = nonEmpty(envelope.data.ongoingSubmissionId);
  return {
    ...(pollingUrl ? { pollingUrl } : {}),
    ...(ongoing ? { ongoingSubmissionId: ongoing } : {}),
    warnings: envelope.warnings,
  };
}

/** Reads a package of the API's answer into InstallerPackage, keeping only the fields this API documents. */
export function packageFrom(value: JsonObject): InstallerPackage {
  const type = text(value.packageType).toLowerCase() === 'msi' ? 'msi' : 'exe';
  const id = nonEmpty(value.packageId);
  const params = nonEmpty(value.installerParameters);
  const doc = nonEmpty(value.genericDocUrl);
  const errorDetails = Array.isArray(value.errorDetails) && value.errorDetails.length ? value.errorDetails : undefined;
  return {
    ...(id ? { packageId: id } : {}),
    packageUrl: text(value.packageUrl),
    languages: stringList(value.languages),
    architectures: stringList(value.architectures),
    isSilentInstall: value.isSilentInstall === true,
    ...(params ? { installerParameters: params } : {}),
    ...(doc ? { genericDocUrl: doc } : {}),
    ...(errorDetails ? { errorDetails } : {}),
    packageType: type,
  };
}
