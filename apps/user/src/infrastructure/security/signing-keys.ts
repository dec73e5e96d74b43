import { Logger } from '@nestjs/common';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importPKCS8,
  type JWK,
  type KeyLike,
} from 'jose';
import { createPublicKey } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
}

/**
 * The RS256 key this service signs access tokens with, and the public keys it
 * serves as JWKS (the current one plus earlier ones during a rotation). The
 * key id is the key's JWK thumbprint: stable across restarts for one key.
 */
export class SigningKeys {
  private constructor(
    readonly current: SigningKey,
    private readonly publicKeys: JWK[],
  ) {}

  static async load(options: {
    privateKeyPem?: string;
    /** Already reduced to public members by the configuration schema. */
    previousPublicKeys?: JWK[];
  }): Promise<SigningKeys> {
    let privateKey: KeyLike;
    let publicJwk: JWK;
    if (options.privateKeyPem) {
      privateKey = await importPKCS8(options.privateKeyPem, 'RS256', { extractable: true });
      publicJwk = await exportJWK(createPublicKey(options.privateKeyPem));
    } else {
      new Logger('SigningKeys').warn(
        'AUTH_PRIVATE_KEY is not set: signing with a key generated for this process only ' +
          '(development); tokens will not survive a restart. Set it in any shared environment.',
      );
      const pair = await generateKeyPair('RS256', { extractable: true });
      privateKey = pair.privateKey;
      publicJwk = await exportJWK(pair.publicKey);
    }
    const kid = await calculateJwkThumbprint(publicJwk);
    const previous = options.previousPublicKeys ?? [];
    return new SigningKeys({ kid, privateKey }, [
      { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
      ...previous,
    ]);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.publicKeys };
  }
}
