// ListPublicRoutes: the master's edge route records against what each edge node serves (`mcp edge list|status`).
import { create } from '@bufbuild/protobuf';
import {
  EdgeNodeRoutesSchema,
  EdgeRouteDifferenceSchema,
  ListPublicRoutesResponseSchema,
  type EdgeRouteDifference,
  type ListPublicRoutesResponse,
} from '@mcp/proto';
import type { EdgeRouteRecord, MasterDeps } from '../deps.js';
import { askEdgeNodes } from '../edge-routes.js';
import type { HandlerGroup } from '../master-handlers.js';
import { edgeRouteStatusOf, type EdgeAnswer } from '../status.js';

function byHostname(a: { hostname: string }, b: { hostname: string }): number {
  return a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0;
}

/** Where one edge node's answer and the records disagree: missing, served with another backend, or unrecorded. */
export function edgeDifferences(answer: EdgeAnswer, records: readonly EdgeRouteRecord[]): EdgeRouteDifference[] {
  if (!answer.ok) return [];
  const node = answer.node.name;
  const mine = records.filter((record) => record.edgeNode === node);
  const differences: EdgeRouteDifference[] = [];
  const add = (hostname: string, kind: string, message: string) => differences.push(create(EdgeRouteDifferenceSchema, { hostname, kind, message }));
  for (const record of mine) {
    const served = answer.value.find((route) => route.hostname === record.hostname);
    if (served === undefined) {
      add(record.hostname, 'missing', `recorded for service ${record.service}, not served by ${node} (mcp deploy or mcp sync sets it up again)`);
    } else if (served.backendHostname !== record.backendHostname || served.backendPort !== record.backendPort) {
      add(record.hostname, 'backend', `recorded with backend ${record.backendHostname}:${record.backendPort}, served with ${served.backendHostname}:${served.backendPort}`);
    }
  }
  for (const route of answer.value) {
    if (mine.some((record) => record.hostname === route.hostname)) continue;
    const elsewhere = records.find((record) => record.hostname === route.hostname);
    add(
      route.hostname,
      'unrecorded',
      elsewhere === undefined
        ? `served by ${node} for service ${route.service || '?'}, but the master records no such route`
        : `served by ${node}, but the master records it on edge node ${elsewhere.edgeNode}`,
    );
  }
  return differences.sort(byHostname);
}

/** Every record with its edge's view, and every edge node's list with its differences; edge nodes asked at once. */
export async function listPublicRoutes(deps: MasterDeps): Promise<ListPublicRoutesResponse> {
  const records = deps.store.listEdgeRoutes();
  const answers = await askEdgeNodes(deps, deps.store.listNodes(), records);
  const answerOf = new Map(answers.map((answer) => [answer.node.name, answer]));
  return create(ListPublicRoutesResponseSchema, {
    routes: records.map((record) => edgeRouteStatusOf(record, answerOf.get(record.edgeNode))),
    edgeNodes: answers.map((answer) =>
      create(EdgeNodeRoutesSchema, {
        node: answer.node.name,
        address: answer.node.address,
        status: answer.node.status,
        reachable: answer.ok,
        error: answer.ok ? '' : answer.error,
        routes: answer.ok ? [...answer.value].sort(byHostname) : [],
        differences: edgeDifferences(answer, records),
      }),
    ),
  });
}

export const edgeRpcs: HandlerGroup = (deps) => ({
  listPublicRoutes: () => listPublicRoutes(deps),
});
