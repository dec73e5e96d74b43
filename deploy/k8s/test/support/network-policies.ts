import { type KubernetesObject } from '../../src/kubernetes-object';
import { type LabelSelector, ofKind, selectorMatches, spec } from './objects';

/** A pod as NetworkPolicies see it: its labels and its namespace's labels. */
export interface Pod {
  name: string;
  labels: Record<string, string>;
  namespace: string;
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}

interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port?: number | string }[];
}

interface PolicySpec {
  podSelector: LabelSelector;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress?: Rule[];
  egress?: Rule[];
}

const namespaceLabels = (namespace: string): Record<string, string> => ({
  'kubernetes.io/metadata.name': namespace,
});

/** Whether a peer entry of a rule (in a policy of `policyNamespace`) names this pod. */
function peerMatches(peer: Peer, pod: Pod, policyNamespace: string): boolean {
  if (peer.ipBlock) return false;
  const inNamespace = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespaceLabels(pod.namespace))
    : pod.namespace === policyNamespace;
  return inNamespace && (!peer.podSelector || selectorMatches(peer.podSelector, pod.labels));
}

const portMatches = (rule: Rule, port: number): boolean =>
  !rule.ports?.length ||
  rule.ports.some((entry) => entry.port === undefined || entry.port === port);

/**
 * Evaluates the rendered NetworkPolicies the way the API defines them: a pod
 * selected by no policy of a direction is open in that direction; once
 * selected, only what some rule allows gets through, and a connection needs
 * both the sender's egress and the receiver's ingress.
 */
export class NetworkPolicyGraph {
  private readonly policies: { namespace: string; spec: PolicySpec }[];

  constructor(objects: KubernetesObject[]) {
    this.policies = ofKind(objects, 'NetworkPolicy').map((policy) => ({
      namespace: policy.metadata.namespace ?? 'default',
      spec: spec<PolicySpec>(policy),
    }));
  }

  allows(from: Pod, to: Pod, port: number): boolean {
    return (
      this.direction(
        from,
        'Egress',
        (rule, namespace) =>
          (rule.to ?? []).some((peer) => peerMatches(peer, to, namespace)) &&
          portMatches(rule, port),
      ) &&
      this.direction(
        to,
        'Ingress',
        (rule, namespace) =>
          (rule.from ?? []).some((peer) => peerMatches(peer, from, namespace)) &&
          portMatches(rule, port),
      )
    );
  }

  /** Whether the pod may open connections to a CIDR outside the cluster on this port. */
  allowsExternal(from: Pod, port: number): boolean {
    return this.direction(
      from,
      'Egress',
      (rule) =>
        (rule.to ?? []).some((peer) => peer.ipBlock !== undefined) && portMatches(rule, port),
    );
  }

  private direction(
    pod: Pod,
    type: 'Ingress' | 'Egress',
    ruleAllows: (rule: Rule, namespace: string) => boolean,
  ): boolean {
    const selecting = this.policies.filter(
      ({ namespace, spec: policy }) =>
        namespace === pod.namespace &&
        policy.policyTypes.includes(type) &&
        selectorMatches(policy.podSelector, pod.labels),
    );
    if (selecting.length === 0) return true;
    return selecting.some(({ namespace, spec: policy }) =>
      ((type === 'Ingress' ? policy.ingress : policy.egress) ?? []).some((rule) =>
        ruleAllows(rule, namespace),
      ),
    );
  }
}
