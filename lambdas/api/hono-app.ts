import { OpenAPIHono } from '@hono/zod-openapi';
import { fromZodError } from '../../core/errors.js';
import { errorBody, toErrorResponse } from './errors.js';

/**
 * An OpenAPIHono that answers in the Cirrus error shape: a request its route schema refuses is a
 * 400 naming the field, and any thrown error goes through `toErrorResponse`. The full app and the
 * dataset-uploads function both start from it, so they refuse bad input alike.
 */
export function cirrusHono(): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const v = fromZodError(result.error);
        return c.json(errorBody(v.code, v.message, v.field), 400);
      }
    },
  });
  app.onError((err, c) => toErrorResponse(c, err));
  return app;
}
