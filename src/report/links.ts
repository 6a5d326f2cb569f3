/**
 * The run's links (docs/contract.md, Outputs): the submission's page in Partner Center and the
 * product's public Store page, built from the IDs in the run record, for the outputs and the summary.
 */
import type { RunRecord } from './record.js';

const PARTNER_CENTER_PRODUCTS = 'https://partner.microsoft.com/dashboard/products';
const STORE_DETAIL = 'https://apps.microsoft.com/detail';

export interface RunLinks {
  /**
   * `submission-url`: `<Partner Center>/products/<Store ID>/submissions/<submission ID>` for an app,
   * flight (its app's Store ID) or add-on submission; `<Partner Center>/products/<product ID>/overview`
   * for an MSI/EXE product, whose submissions have no page of their own.
   */
  submissionUrl?: string;
  /** `store-url`: `https://apps.microsoft.com/detail/<Store ID>`, for an app, a flight's app or an add-on. */
  storeUrl?: string;
}

/** The links the record has the IDs for; none before the product is known. */
export function linksOf(record: RunRecord): RunLinks {
  const links: RunLinks = {};
  const storeId = record.addOnId ?? record.appId;
  if (record.installerProductId) {
    links.submissionUrl = `${PARTNER_CENTER_PRODUCTS}/${encodeURIComponent(record.installerProductId)}/overview`;
  } else if (storeId && record.submissionId) {
    links.submissionUrl = `${PARTNER_CENTER_PRODUCTS}/${encodeURIComponent(storeId)}/submissions/${encodeURIComponent(record.submissionId)}`;
  }
  if (storeId) links.storeUrl = `${STORE_DETAIL}/${encodeURIComponent(storeId)}`;
  return links;
}
