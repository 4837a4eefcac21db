import {
  DEFAULT_PROVIDER_POLICY,
  ProviderGateway,
  type ProviderPolicyOptions,
} from '../../platform/providers/provider-gateway.js';
import { PopbillAccountCheckClient } from './account-check.client.js';
import { PopbillKakaoClient } from './kakao.client.js';
import { type LinkhubCredentials, LinkhubTokenSource } from './linkhub-token.js';
import { PopbillMessageClient } from './message.client.js';
import { PopbillApi, type PopbillConnection } from './popbill-http.js';

export interface PopbillSettings extends LinkhubCredentials, PopbillConnection {
  /** 발신번호 (pre-registered). */
  sender: string;
  senderName?: string | undefined;
}

export interface PopbillClients {
  gateway: ProviderGateway;
  tokens: LinkhubTokenSource;
  messages: PopbillMessageClient;
  kakao: PopbillKakaoClient;
  accountCheck: PopbillAccountCheckClient;
}

/**
 * The Popbill clients for one member, sharing one gateway (one circuit for Popbill: the services
 * share hosts and an outage takes them down together) and one token source.
 */
export function createPopbillClients(
  settings: PopbillSettings,
  policy: ProviderPolicyOptions = DEFAULT_PROVIDER_POLICY,
  now: () => number = Date.now,
): PopbillClients {
  const gateway = new ProviderGateway('popbill', policy);
  const tokens = new LinkhubTokenSource(settings, gateway, now);
  const api = new PopbillApi(settings, tokens, gateway);
  return {
    gateway,
    tokens,
    messages: new PopbillMessageClient(api, settings),
    kakao: new PopbillKakaoClient(api, settings),
    accountCheck: new PopbillAccountCheckClient(api),
  };
}
