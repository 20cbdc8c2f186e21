// The API calls Neon's create-branch-action (v6) makes, in its order, through the real @neondatabase/api-client
// from npm: look the branch up with `search`, create it with a read-write endpoint when missing, then list the
// branch's endpoints, get the database and role, reveal the password and build db_url from the endpoint's host.
// Also the client's getConnectionUri (GET /projects/{id}/connection_uri), pooled and not.
// Env: API_HOST, API_KEY, PROJECT_ID, BRANCH_NAME, PARENT, DATABASE, ROLE. Prints one JSON object.
const { createApiClient, EndpointType } = require('@neondatabase/api-client');

async function main() {
  const env = process.env;
  const client = createApiClient({ apiKey: env.API_KEY, baseURL: env.API_HOST, timeout: 30000 });
  const projectId = env.PROJECT_ID;

  async function findBranch(identifier) {
    const answer = await client.listProjectBranches({ projectId, search: identifier, limit: 10000 });
    return answer.data.branches.find((b) => b.name === identifier || b.id === identifier);
  }

  let branch = await findBranch(env.BRANCH_NAME);
  let created = false;
  if (!branch) {
    let parentId;
    if (env.PARENT) {
      const parent = await findBranch(env.PARENT);
      if (!parent) throw new Error(`Parent branch ${env.PARENT} not found`);
      parentId = parent.id;
    }
    const answer = await client.createProjectBranch(projectId, {
      endpoints: [{ type: EndpointType.ReadWrite, suspend_timeout_seconds: 0 }],
      branch: { name: env.BRANCH_NAME, parent_id: parentId },
      annotation_value: { 'github-repo': 'example/app', 'github-pr-number': '1' },
    });
    branch = answer.data.branch;
    created = true;
  }

  const endpoints = await client.listProjectBranchEndpoints(projectId, branch.id);
  if (endpoints.data.endpoints.length === 0) throw new Error('No endpoints found for branch');
  const endpoint = endpoints.data.endpoints[0];
  await client.getProjectBranchDatabase(projectId, branch.id, env.DATABASE);
  await client.getProjectBranchRole(projectId, branch.id, env.ROLE);
  const password = (await client.getProjectBranchRolePassword(projectId, branch.id, env.ROLE)).data.password;

  const dbUrl = new URL(`postgresql://${endpoint.host}`);
  dbUrl.pathname = env.DATABASE;
  dbUrl.username = env.ROLE;
  dbUrl.password = password;

  const uri = (await client.getConnectionUri({
    projectId, branch_id: branch.id, database_name: env.DATABASE, role_name: env.ROLE, pooled: false,
  })).data.uri;
  const uriPooled = (await client.getConnectionUri({
    projectId, branch_id: branch.id, database_name: env.DATABASE, role_name: env.ROLE, pooled: true,
  })).data.uri;

  console.log(JSON.stringify({
    branch_id: branch.id, created, endpoint_id: endpoint.id, endpoint_host: endpoint.host,
    db_url: dbUrl.toString(), password, connection_uri: uri, connection_uri_pooled: uriPooled,
  }));
}

main().catch((e) => {
  const detail = e.response ? ` HTTP ${e.response.status} ${JSON.stringify(e.response.data)}` : '';
  console.error(`${e.message}${detail}`);
  process.exit(1);
});
