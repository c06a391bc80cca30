export {
  ContractError,
  type ContractErrorCode,
  type ContractOptions,
  findSpecDir,
  loadContract,
  type ParamValue,
  type RequestToValidate,
  type ResponseToValidate,
  TwilioContract,
  type ValidationResult,
} from './openapi.js';
