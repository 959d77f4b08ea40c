// ondisconnect/app.js of the chat sample, DeleteItem replaced by the table.
import { connections } from './table.mjs';

export const handler = async (event) => {
  try {
    connections.delete(event.requestContext.connectionId);
  } catch (err) {
    return { statusCode: 500, body: 'Failed to disconnect: ' + JSON.stringify(err) };
  }
  return { statusCode: 200, body: 'Disconnected.' };
};
