/** The screenshots and Store logos of one listing language of an MSI/EXE product: upload slots, uploads, commit. */
import { readFile } from 'node:fs/promises';
import type { ImageSlot } from '../../listings/installer.js';
import type { ListingAssets } from '../../store/installer-resources.js';
import type { InstallerFlowDeps } from './deps.js';

/** Makes a language's images what the changes say: create slots, upload, commit with the kept ones. */
export async function applyImages(
  deps: InstallerFlowDeps,
  language: string,
  wanted: { screenshots?: ImageSlot[]; storeLogos?: ImageSlot[] },
  current: ListingAssets | undefined,
): Promise<void> {
  const { client, logger } = deps;
  const uploads = {
    screenshots: (wanted.screenshots ?? []).filter((s) => 'upload' in s).length,
    storeLogos: (wanted.storeLogos ?? []).filter((s) => 'upload' in s).length,
  };
  const created =
    uploads.screenshots + uploads.storeLogos
      ? await client.createAssets(language, { Screenshot: uploads.screenshots, Logo: uploads.storeLogos })
      : { screenshots: [], storeLogos: [] };
  const next: ListingAssets = {
    language,
    storeLogos: current?.storeLogos ?? [],
    screenshots: current?.screenshots ?? [],
  };
  for (const type of ['screenshots', 'storeLogos'] as const) {
    const slots = wanted[type];
    if (!slots) continue;
    const free = [...created[type]];
    const refs = [];
    for (const slot of slots) {
      if ('keep' in slot) {
        const asset = current?.[type].find((a) => a.id === slot.keep);
        if (!asset) throw new Error(`${language}: ${type} asset '${slot.keep}' is no longer in the draft`);
        refs.push(asset);
        continue;
      }
      const target = free.shift();
      if (!target) throw new Error(`The Store created fewer ${type} upload slots for ${language} than asked`);
      deps.signal?.throwIfAborted();
      // Read when its turn comes: memory holds one image at a time, whatever the folder holds.
      const png = await readFile(slot.upload.path);
      const assetUrl = await client.uploadAsset(target, png);
      logger.info(`Uploaded ${language} ${type} ${slot.upload.name} (${png.length} bytes)`);
      refs.push({ id: target.id, assetUrl });
    }
    next[type] = refs;
  }
  await client.commitAssets(next);
}
