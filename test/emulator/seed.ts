/** The default products of the emulator: one app, one package flight, one add-on, all published once. */
import type { JsonObject, Seed } from './types.js';

export const SEED_APP_ID = '9NBLGGH4R315';
export const SEED_FLIGHT_ID = '7bfc11d5-f710-47c5-8a98-e04bb5aad310';
export const SEED_ADDON_ID = '9NBLGGH4S12X';

function image(fileName: string, imageType: string, id: string, description = ''): JsonObject {
  return { fileName, fileStatus: 'Uploaded', id, description, imageType };
}

function listing(
  lang: string,
  title: string,
  description: string,
  releaseNotes: string,
  imageIdPrefix: string,
): JsonObject {
  return {
    baseListing: {
      copyrightAndTrademarkInfo: '(c) Contoso',
      keywords: ['notes', 'contoso'],
      licenseTerms: '',
      privacyPolicy: '',
      supportContact: '',
      websiteUrl: '',
      description,
      features: ['Fast', 'Sync'],
      releaseNotes,
      images: [
        image(`${lang}/Screenshot_1.png`, 'Screenshot', `${imageIdPrefix}1`, 'Main window'),
        image(`${lang}/StoreLogo.png`, 'StoreLogoSquare', `${imageIdPrefix}2`),
      ],
      recommendedHardware: [],
      minimumHardware: [],
      title,
      shortDescription: '',
      shortTitle: '',
      sortTitle: '',
      voiceTitle: '',
      devStudio: '',
    },
    platformOverrides: {},
  };
}

export function defaultPackageDeliveryOptions(): JsonObject {
  return {
    packageRollout: {
      isPackageRollout: false,
      packageRolloutPercentage: 0,
      packageRolloutStatus: 'PackageRolloutNotStarted',
      fallbackSubmissionId: '0',
    },
    isMandatoryUpdate: false,
    mandatoryUpdateEffectiveDate: '1601-01-01T00:00:00.0000000Z',
  };
}

function publishedStatusDetails(): JsonObject {
  return {
    errors: [],
    warnings: [],
    certificationReports: [{ date: '2026-10-01T10:00:00Z', reportUrl: 'https://partner.microsoft.com/reports/1' }],
  };
}

export function defaultSeed(): Seed {
  const appSubmission: JsonObject = {
    id: '1152921504621243540',
    applicationCategory: 'Productivity',
    pricing: {
      trialPeriod: 'NoFreeTrial',
      marketSpecificPricings: {},
      sales: [],
      priceId: 'Free',
      isAdvancedPricingModel: true,
    },
    visibility: 'Public',
    targetPublishMode: 'Immediate',
    targetPublishDate: '1601-01-01T00:00:00Z',
    listings: {
      'en-us': listing('en-us', 'Contoso Notes', 'Take notes fast.', 'First release.', '115292150460696221'),
      'de-de': listing('de-de', 'Contoso Notizen', 'Schnell Notizen machen.', 'Erste Version.', '115292150460696231'),
    },
    hardwarePreferences: ['Keyboard', 'Mouse'],
    automaticBackupEnabled: false,
    canInstallOnRemovableMedia: true,
    isGameDvrEnabled: false,
    gamingOptions: [],
    hasExternalInAppProducts: false,
    meetAccessibilityGuidelines: true,
    notesForCertification: '',
    status: 'Published',
    statusDetails: publishedStatusDetails(),
    fileUploadUrl: '',
    applicationPackages: [
      {
        fileName: 'ContosoNotes_1.0.0.0_x64.msixupload',
        fileStatus: 'Uploaded',
        id: '1152921504620138797',
        version: '1.0.0.0',
        architecture: 'x64',
        languages: ['en-US', 'de-DE'],
        capabilities: ['runFullTrust'],
        minimumDirectXVersion: 'None',
        minimumSystemRam: 'None',
        targetDeviceFamilies: ['Windows.Desktop min version 10.0.17763.0'],
      },
    ],
    packageDeliveryOptions: defaultPackageDeliveryOptions(),
    enterpriseLicensing: 'None',
    allowMicrosoftDecideAppAvailabilityToFutureDeviceFamilies: true,
    allowTargetFutureDeviceFamilies: { Desktop: true, Mobile: false, Holographic: false, Xbox: false, Team: false },
    friendlyName: 'Submission 1',
    trailers: [],
    isSeekEnabled: false,
    someFutureField: { keep: ['me', 1, true], nested: { value: null } },
  };

  const flightSubmission: JsonObject = {
    id: '1152921504621243610',
    flightId: SEED_FLIGHT_ID,
    status: 'Published',
    statusDetails: publishedStatusDetails(),
    flightPackages: [
      {
        fileName: 'ContosoNotes_1.0.1.0_x64.msixupload',
        fileStatus: 'Uploaded',
        id: '1152921504620138800',
        version: '1.0.1.0',
        architecture: 'x64',
        languages: ['en-US'],
        capabilities: ['runFullTrust'],
        minimumDirectXVersion: 'None',
        minimumSystemRam: 'None',
      },
    ],
    packageDeliveryOptions: defaultPackageDeliveryOptions(),
    fileUploadUrl: '',
    targetPublishMode: 'Immediate',
    targetPublishDate: '',
    notesForCertification: '',
    friendlyName: 'Submission 1',
  };

  const addOnSubmission: JsonObject = {
    id: '1152921504621243700',
    contentType: 'NotSet',
    keywords: ['pro'],
    lifetime: 'Forever',
    listings: {
      en: {
        description: 'Unlock pro features.',
        icon: { fileName: 'icons/pro.png', fileStatus: 'Uploaded' },
        title: 'Contoso Notes Pro',
      },
    },
    pricing: { marketSpecificPricings: {}, sales: [], priceId: 'Tier2', isAdvancedPricingModel: true },
    targetPublishMode: 'Immediate',
    targetPublishDate: '1601-01-01T00:00:00Z',
    tag: '',
    visibility: 'Public',
    status: 'Published',
    statusDetails: publishedStatusDetails(),
    fileUploadUrl: '',
    friendlyName: 'Submission 1',
  };

  return {
    apps: [
      {
        app: {
          id: SEED_APP_ID,
          primaryName: 'Contoso Notes',
          // The identity test/support/packages.ts gives packages by default: the family name ends
          // with the publisher hash of publisherName.
          packageFamilyName: 'Contoso.ContosoNotes_mj48pws67hrft',
          packageIdentityName: 'Contoso.ContosoNotes',
          publisherName: 'CN=4AB1C2D3-0000-4000-8000-00000000C0DE',
          firstPublishedDate: '2026-10-01T10:00:00Z',
          hasAdvancedListingPermission: true,
        },
        published: appSubmission,
      },
    ],
    flights: [
      {
        flight: {
          flightId: SEED_FLIGHT_ID,
          appId: SEED_APP_ID,
          friendlyName: 'Insiders',
          groupIds: ['1152921504607280735'],
          rankHigherThan: 'Non-flighted submission',
        },
        published: flightSubmission,
      },
    ],
    addOns: [
      {
        addOn: {
          id: SEED_ADDON_ID,
          productId: 'contoso.notes.pro',
          productType: 'Durable',
          applicationIds: [SEED_APP_ID],
        },
        published: addOnSubmission,
      },
    ],
  };
}
