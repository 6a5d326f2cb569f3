import type { JsonObject } from '../../../src/json.js';

/** A package entry as the Store returns it in a cloned submission. */
export function uploadedPackage(id: string, fileName: string): JsonObject {
  return {
    fileName,
    fileStatus: 'Uploaded',
    id,
    version: '1.0.0.0',
    architecture: 'x64',
    minimumDirectXVersion: 'None',
    minimumSystemRam: 'None',
  };
}

/** A new package entry as buildSubmission appends it. */
export function newPackage(fileName: string): JsonObject {
  return { fileName, fileStatus: 'PendingUpload', minimumDirectXVersion: 'None', minimumSystemRam: 'None' };
}

/** An app submission as POST .../submissions returns it: a clone of the last published one. */
export function appSubmission(): JsonObject {
  return {
    id: '1152921504621243540',
    applicationCategory: 'DeveloperTools_Utilities',
    visibility: 'Public',
    targetPublishMode: 'Immediate',
    targetPublishDate: '1601-01-01T00:00:00Z',
    listings: {
      'en-us': {
        baseListing: {
          title: 'Contoso Tools',
          description: 'Tools.',
          releaseNotes: 'Old notes',
          images: [{ fileName: 'en-us/shot1.png', fileStatus: 'Uploaded', id: 'img1', imageType: 'Screenshot' }],
        },
        platformOverrides: {},
      },
      'de-de': {
        baseListing: { title: 'Contoso Werkzeuge', description: 'Werkzeuge.', images: [] },
        platformOverrides: {},
      },
    },
    notesForCertification: '',
    status: 'PendingCommit',
    statusDetails: { errors: [], warnings: [], certificationReports: [] },
    fileUploadUrl: 'https://productingestionbin1.blob.core.windows.net/ingestion/abc?sv=2014-02-14&sig=s',
    applicationPackages: [
      uploadedPackage('p1', 'Contoso_1.0.0.0_x64.msixupload'),
      uploadedPackage('p2', 'Contoso_1.0.0.0_arm64.msixupload'),
    ],
    packageDeliveryOptions: {
      packageRollout: {
        isPackageRollout: false,
        packageRolloutPercentage: 0,
        packageRolloutStatus: 'PackageRolloutNotStarted',
        fallbackSubmissionId: '0',
      },
      isMandatoryUpdate: false,
      mandatoryUpdateEffectiveDate: '1601-01-01T00:00:00.0000000Z',
    },
    friendlyName: 'Submission 3',
    isSeekEnabled: false,
  };
}

/** A package flight submission: packages and publish settings, no listings. */
export function flightSubmission(): JsonObject {
  return {
    id: '1152921504621243649',
    flightId: '43e448df-97c9-4a43-a0bc-2a445e736bcd',
    status: 'PendingCommit',
    statusDetails: { errors: [], warnings: [], certificationReports: [] },
    flightPackages: [uploadedPackage('f1', 'Contoso_1.1.0.0_x64.msixupload')],
    fileUploadUrl: 'https://productingestionbin1.blob.core.windows.net/ingestion/def?sig=s',
    targetPublishMode: 'Immediate',
    targetPublishDate: '',
    notesForCertification: '',
  };
}

/** An add-on submission: listings with icons, no packages. */
export function addOnSubmission(): JsonObject {
  return {
    id: '1152921504621243705',
    contentType: 'NotSet',
    keywords: ['extra'],
    lifetime: 'Forever',
    listings: {
      en: { description: 'More levels', icon: { fileName: 'icon.png', fileStatus: 'Uploaded' }, title: 'Level pack' },
    },
    pricing: { marketSpecificPricings: {}, priceId: 'Tier2', isAdvancedPricingModel: true },
    targetPublishMode: 'Immediate',
    targetPublishDate: '',
    tag: '',
    visibility: 'Public',
    status: 'PendingCommit',
    statusDetails: { errors: [], warnings: [], certificationReports: [] },
    fileUploadUrl: 'https://productingestionbin1.blob.core.windows.net/ingestion/ghi?sig=s',
    friendlyName: 'Submission 2',
  };
}

/** What `run` throws; fails the test when it returns normally. */
export function errorFrom(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}
