/**
 * What differs between app, package flight and add-on submissions. Everything else (the submit
 * flow, status polling, pending-submission handling, rollout) is one generic implementation driven
 * by these descriptors.
 */

export type TargetKind = 'app' | 'flight' | 'add-on';

/** Which product a run works on, from the `app-id` / `flight-id` / `add-on-id` inputs. */
export type Target =
  | { kind: 'app'; appId: string }
  | { kind: 'flight'; appId: string; flightId: string }
  | { kind: 'add-on'; addOnId: string };

export interface KindDescriptor {
  readonly kind: TargetKind;
  /** The product resource, relative to `.../v1.0/my/`. */
  resourcePath(target: Target): string;
  /** Field of the product resource that references its pending submission. */
  readonly pendingField: string;
  /** Field of the product resource that references its last published submission. */
  readonly lastPublishedField: string;
  /** The submission's array of packages; undefined where the kind has no packages (add-ons). */
  readonly packagesField?: 'applicationPackages' | 'flightPackages';
  /** Whether the submission has `listings` whose base listing carries `releaseNotes` (apps). */
  readonly hasReleaseNotes: boolean;
  /** Whether `packageDeliveryOptions` (gradual rollout, mandatory update) apply. */
  readonly hasPackageDelivery: boolean;
}

export const KINDS: Record<TargetKind, KindDescriptor> = {
  app: {
    kind: 'app',
    resourcePath: (t) => `applications/${encodeURIComponent(appIdOf(t))}`,
    pendingField: 'pendingApplicationSubmission',
    lastPublishedField: 'lastPublishedApplicationSubmission',
    packagesField: 'applicationPackages',
    hasReleaseNotes: true,
    hasPackageDelivery: true,
  },
  flight: {
    kind: 'flight',
    resourcePath: (t) =>
      `applications/${encodeURIComponent(appIdOf(t))}/flights/${encodeURIComponent(t.kind === 'flight' ? t.flightId : '')}`,
    pendingField: 'pendingFlightSubmission',
    lastPublishedField: 'lastPublishedFlightSubmission',
    packagesField: 'flightPackages',
    hasReleaseNotes: false,
    hasPackageDelivery: true,
  },
  'add-on': {
    kind: 'add-on',
    resourcePath: (t) => `inappproducts/${encodeURIComponent(t.kind === 'add-on' ? t.addOnId : '')}`,
    pendingField: 'pendingInAppProductSubmission',
    lastPublishedField: 'lastPublishedInAppProductSubmission',
    hasReleaseNotes: false,
    hasPackageDelivery: false,
  },
};

function appIdOf(target: Target): string {
  return target.kind === 'add-on' ? '' : target.appId;
}

export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'app':
      return `app ${target.appId}`;
    case 'flight':
      return `package flight ${target.flightId} of app ${target.appId}`;
    case 'add-on':
      return `add-on ${target.addOnId}`;
  }
}

/** Path of a submission collection or of one submission, relative to `.../v1.0/my/`. */
export function submissionsPath(target: Target, submissionId?: string): string {
  const base = `${KINDS[target.kind].resourcePath(target)}/submissions`;
  return submissionId ? `${base}/${encodeURIComponent(submissionId)}` : base;
}
