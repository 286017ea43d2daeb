/**
 * The LookML project the preview serves cannot be loaded, or uses LookML the preview does not understand: the
 * message names the file, view, field or parameter. Its own module, free of Node imports, since the query compiler
 * and Liquid renderer throw it too.
 */
import { JourneyStitchError } from '../../contract/errors';

export class PreviewProjectError extends JourneyStitchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PreviewProjectError';
  }
}
