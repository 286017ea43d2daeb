/**
 * `journey-stitch preview`: the generated LookML project + the stitched DuckDB database + the production extension
 * bundle, served by a local Looker-compatible host.
 */
import { resolve } from 'node:path';
import { PreviewDatabase } from './api/database';
import { loadPreviewProject } from './project';
import { startPreviewServer, type RunningPreview } from './host/server';

export interface PreviewOptions {
  /** Folder holding manifest.lkml and lookml/. */
  projectDir: string;
  /** The DuckDB database written by `journey-stitch stitch`. */
  database: string;
  /** The production extension bundle. */
  bundle: string;
  port?: number;
}

export interface Preview extends RunningPreview {
  /** Stops the server and closes the database. */
  stop(): Promise<void>;
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const project = await loadPreviewProject(resolve(options.projectDir));
  const db = await PreviewDatabase.forProject(resolve(options.database), project.manifest.constants);
  try {
    const running = await startPreviewServer({ project, runner: db, bundlePath: resolve(options.bundle), port: options.port });
    return {
      ...running,
      stop: async () => {
        await running.close();
        db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
