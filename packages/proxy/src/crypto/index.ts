// Secrets at rest and gateway tokens, compatible with the Go original's stored forms.
export {
  ENCRYPTION_KEY_BYTES,
  ENCRYPTION_KEY_EXPECTED,
  EncryptionKeyError,
  encryptionKeyProblem,
  generateEncryptionKey,
  parseEncryptionKey,
} from './encryption-key.js';
export { ENCRYPTED_PREFIX, SecretBoxError, decryptSecret, encryptSecret, isEncrypted } from './secret-box.js';
export {
  TOKEN_PREFIX,
  constantTimeEqual,
  generateToken,
  hashToken,
  isTokenFormat,
  obfuscateApiKey,
  obfuscateToken,
  uuidV7,
} from './tokens.js';
