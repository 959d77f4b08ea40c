// onconnect/app.js of aws-samples/simple-websockets-chat-app, with the
// DynamoDB PutItem replaced by the in-memory table.
import { connections } from './table.mjs';

export const handler = async (event) => {
  try {
    connections.add(event.requestContext.connectionId);
  } catch (err) {
    return { statusCode: 500, body: 'Failed to connect: ' + JSON.stringify(err) };
  }
  return { statusCode: 200, body: 'Connected.' };
};
