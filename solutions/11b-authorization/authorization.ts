// Chapter 11b put together: what the API server is handed (options.security) when it runs with
// --authorization-mode=Node,RBAC and --enable-admission-plugins. The authorizers are asked in
// the order of the modes; impersonation, the escalation check and the reviews ask the same
// chain; the default roles are created at start; the quota controller runs beside the server.
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  AuthorizationOptions,
  Authorizer,
  ExternalAdmissionPlugin,
  SecurityOptions,
} from '../../harness/contracts/security.ts';
import { limitRangerAdmission, serviceAccountAdmission } from './admission.ts';
import {
  defaultClusterRoleBindings,
  defaultClusterRoles,
} from '../../harness/api/default-roles.ts';
import { escalationCheck } from './escalation.ts';
import { NodeAuthorizer } from './nodes.ts';
import { chainAuthorizers, forbiddenMessage, RbacAuthorizer } from './rbac.ts';
import { ResourceQuotas } from './quota.ts';
import { impersonate, reviewHandlers } from './reviews.ts';

export type { AuthorizationOptions };

/** The admission plugins chapter 11b knows, by kube-apiserver's names, in the order they run. */
export const admissionPluginNames = ['ServiceAccount', 'LimitRanger', 'ResourceQuota'];

/**
 * The security options for these modes and admission plugins. An unknown mode or plugin is an
 * Error naming the ones there are.
 */
export function createAuthorization(options: AuthorizationOptions): SecurityOptions {
  const rbac = new RbacAuthorizer();
  const byMode: Record<string, Authorizer> = { Node: new NodeAuthorizer(), RBAC: rbac };
  for (const mode of options.modes) {
    if (!byMode[mode]) throw new Error(`unknown authorization mode "${mode}" (known: Node, RBAC)`);
  }
  const authorizer = chainAuthorizers(options.modes.map((mode) => byMode[mode]!));
  const quotas = new ResourceQuotas();
  const plugins: Record<string, ExternalAdmissionPlugin> = {
    ServiceAccount: serviceAccountAdmission,
    LimitRanger: limitRangerAdmission,
    ResourceQuota: quotas.admission,
  };
  const enabled = options.admissionPlugins ?? [];
  for (const name of enabled) {
    if (!plugins[name])
      throw new Error(
        `unknown admission plugin "${name}" (known: ${admissionPluginNames.join(', ')})`,
      );
  }
  const admission = admissionPluginNames
    .filter((name) => enabled.includes(name))
    .map((name) => plugins[name]!);
  const initialObjects: KubeObject[] = [...defaultClusterRoles(), ...defaultClusterRoleBindings()];
  return {
    authorizer,
    impersonate: (user, headers) => impersonate(authorizer, user, headers),
    forbiddenMessage,
    admission: [escalationCheck(rbac, authorizer), ...admission],
    reviews: reviewHandlers(authorizer, rbac),
    initialObjects,
    controllers: enabled.includes('ResourceQuota') ? [quotas] : [],
  };
}
