import { type KubernetesObject } from '../src/kubernetes-object';
import { find, ofKind, podTemplateOf, spec, workloads } from './support/objects';
import { NetworkPolicyGraph, type Pod } from './support/network-policies';
import {
  APPS,
  APP_NAMES,
  type AppName,
  OVERLAYS,
  type Overlay,
  renderOverlay,
} from './support/workspace';

/** Who calls whom over HTTP (ARCHITECTURE.md): the JWKS of the user service is read by every service. */
const HTTP_CALLS: Record<AppName, AppName[]> = {
  gateway: ['user', 'catalog', 'order', 'payment'],
  user: ['user'],
  catalog: ['user'],
  order: ['user', 'catalog'],
  payment: ['user'],
};

/** Which pods use which data store, migration and seed Jobs included. */
const DATA_STORE_CLIENTS = {
  postgres: {
    port: 5432,
    clients: ['user', 'user-migrate', 'order', 'order-migrate', 'payment', 'payment-migrate'],
  },
  mongodb: { port: 27017, clients: ['catalog', 'catalog-seed'] },
  kafka: { port: 9092, clients: ['user', 'catalog', 'order', 'payment'] },
  redis: { port: 6379, clients: ['gateway'] },
} as const;

const ingressController: Pod = {
  name: 'ingress-nginx-controller',
  namespace: 'ingress-nginx',
  labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
};
const strangerPod: Pod = {
  name: 'stranger',
  namespace: 'default',
  labels: { 'app.kubernetes.io/name': 'gateway' },
};

describe.each(OVERLAYS)('network policies of the %s overlay', (overlay: Overlay) => {
  let objects: KubernetesObject[];
  let graph: NetworkPolicyGraph;
  let pods: Map<string, Pod>;
  const pod = (name: string): Pod => {
    const found = pods.get(name);
    if (!found) throw new Error(`no workload ${name}`);
    return found;
  };

  beforeAll(async () => {
    objects = await renderOverlay(overlay);
    graph = new NetworkPolicyGraph(objects);
    pods = new Map(
      workloads(objects).map((workload) => [
        workload.metadata.name,
        {
          name: workload.metadata.name,
          namespace: 'shop',
          labels: podTemplateOf(workload).metadata.labels,
        },
      ]),
    );
  });

  it('denies all traffic in and out by default, and allows DNS to every pod', () => {
    expect(spec(find(objects, 'NetworkPolicy', 'default-deny-all'))).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const dns: Pod = {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns' },
    };
    for (const from of pods.values()) {
      expect({ from: from.name, dns: graph.allows(from, dns, 53) }).toEqual({
        from: from.name,
        dns: true,
      });
    }
  });

  it('lets exactly the calls of the architecture through between the apps', () => {
    const allowed = APP_NAMES.flatMap((from) =>
      APP_NAMES.filter((to) => graph.allows(pod(from), pod(to), APPS[to].port)).map(
        (to) => `${from} -> ${to}`,
      ),
    );
    const expected = APP_NAMES.flatMap((from) => HTTP_CALLS[from].map((to) => `${from} -> ${to}`));
    expect(allowed.sort()).toEqual(expected.sort());
  });

  it('lets only the ingress controller in from outside, and only to the gateway', () => {
    const reachable = APP_NAMES.filter((app) =>
      graph.allows(ingressController, pod(app), APPS[app].port),
    );
    expect(reachable).toEqual(['gateway']);
    for (const app of APP_NAMES) {
      expect(graph.allows(strangerPod, pod(app), APPS[app].port)).toBe(false);
    }
  });

  it('blocks a port the policy does not name, even between allowed pods', () => {
    expect(graph.allows(pod('gateway'), pod('user'), 5432)).toBe(false);
  });

  if (overlay === 'dev') {
    it.each(['postgres', 'mongodb', 'kafka'] as const)(
      'lets only its clients reach the in-cluster %s',
      (store) => {
        const { port, clients } = DATA_STORE_CLIENTS[store];
        const allowed = [...pods.values()]
          .filter((from) => from.name !== store && graph.allows(from, pod(store), port))
          .map((from) => from.name);
        expect(allowed.sort()).toEqual([...clients].sort());
        expect(graph.allows(ingressController, pod(store), port)).toBe(false);
      },
    );
  } else {
    it.each(['postgres', 'mongodb', 'kafka', 'redis'] as const)(
      'lets only its clients out to the managed %s',
      (store) => {
        const { port, clients } = DATA_STORE_CLIENTS[store];
        const allowed = [...pods.values()]
          .filter((from) => graph.allowsExternal(from, port))
          .map((from) => from.name);
        // The seed Job is dev only.
        expect(allowed.sort()).toEqual(clients.filter((client) => pods.has(client)).sort());
      },
    );

    it('keeps the data stores out of the cluster', () => {
      expect(ofKind(objects, 'StatefulSet')).toEqual([]);
    });
  }
});
