import type { Request } from 'express';
import type { Viewer } from '../projects/repository.js';

/** Who is asking, with the teams they are a member of (app.ts resolves them through identity). */
export type ViewerOf = (req: Pick<Request, 'auth'>) => Promise<Viewer>;
