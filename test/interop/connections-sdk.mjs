// connections-sdk.mjs uses @aws-sdk/client-apigatewaymanagementapi the way a
// Lambda function behind a WebSocket route does: the endpoint comes from the
// event's requestContext (domainName and stage), then PostToConnection,
// GetConnection, DeleteConnection, and the GoneException a closed
// connection gives. It prints one JSON report on stdout for
// sdk_test.go to check, and exits 1 on anything unexpected.
//
// Usage: node connections-sdk.mjs EVENT_JSON DATA
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";

const [event, data] = [JSON.parse(process.argv[2]), process.argv[3]];
const { domainName, stage, connectionId } = event.requestContext;
const client = new ApiGatewayManagementApiClient({
  endpoint: `http://${domainName}/${stage}`,
});
const ConnectionId = connectionId;
const report = { endpoint: `http://${domainName}/${stage}` };

const post = await client.send(new PostToConnectionCommand({ ConnectionId, Data: data }));
report.post = { status: post.$metadata.httpStatusCode };

const info = await client.send(new GetConnectionCommand({ ConnectionId }));
report.get = {
  status: info.$metadata.httpStatusCode,
  connectedAtIsDate: info.ConnectedAt instanceof Date && !isNaN(info.ConnectedAt),
  lastActiveAtIsDate: info.LastActiveAt instanceof Date && !isNaN(info.LastActiveAt),
  connectedAt: info.ConnectedAt?.toISOString?.() ?? String(info.ConnectedAt),
  lastActiveAt: info.LastActiveAt?.toISOString?.() ?? String(info.LastActiveAt),
  sourceIp: info.Identity?.SourceIp ?? null,
  userAgent: info.Identity?.UserAgent ?? null,
};

const del = await client.send(new DeleteConnectionCommand({ ConnectionId }));
report.delete = { status: del.$metadata.httpStatusCode };

// What a Lambda function catches when it posts to a client that has gone.
async function gone(command) {
  try {
    const out = await client.send(command);
    return { error: null, status: out.$metadata.httpStatusCode };
  } catch (err) {
    return {
      error: err.name,
      isGoneException: err instanceof GoneException,
      status: err.$metadata?.httpStatusCode ?? null,
      fault: err.$fault ?? null,
    };
  }
}
report.postAfterDelete = await gone(new PostToConnectionCommand({ ConnectionId, Data: data }));
report.getAfterDelete = await gone(new GetConnectionCommand({ ConnectionId }));
report.deleteAfterDelete = await gone(new DeleteConnectionCommand({ ConnectionId }));

console.log(JSON.stringify(report));
