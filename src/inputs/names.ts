/**
 * The one table of the action's inputs: every name `action.yml` declares, with the default the
 * runner fills in when a workflow leaves it out. A test keeps it equal to `action.yml`. Every other
 * place names an input through `InputName`, so a misspelt name does not compile.
 */
export const INPUT_DEFAULTS = {
  'tenant-id': '',
  'client-id': '',
  'client-secret': '',
  'authority-url': 'https://login.microsoftonline.com',
  'api-url': 'https://manage.devcenter.microsoft.com',
  command: 'submit',
  'app-id': '',
  'flight-id': '',
  'add-on-id': '',
  'submission-id': '',
  'submission-json': '',
  'content-root': '',
  packages: '',
  'replace-packages': 'false',
  'keep-package-versions': '',
  'zip-path': '',
  listings: '',
  'release-notes': '',
  'notes-for-certification': '',
  'target-publish-mode': '',
  'target-publish-date': '',
  'rollout-percentage': '',
  'mandatory-update': '',
  'mandatory-update-date': '',
  'on-pending': 'fail',
  'existing-rollout': 'fail',
  'wait-for': 'commit',
  'timeout-minutes': '60',
  'poll-interval-seconds': '30',
  'dry-run': 'false',
  commit: 'true',
  'if-unchanged': 'fail',
  'flight-name': '',
  'flight-groups': '',
  'rank-higher-than': '',
  'flight-json': '',
  'add-on-json': '',
  'rollout-action': '',
  'artifact-name': 'store-submission-record',
  'seller-id': '',
  installers: '',
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;

export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];
