// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @dev Test-only smart-contract wallet: accepts as its own signature any ECDSA signature of its `signer` key,
 * through ERC-1271.
 */
contract ERC1271WalletMock is IERC1271 {
    address private immutable _signer;

    /**
     * @dev Makes `signer_` the key whose signatures the wallet accepts.
     */
    constructor(address signer_) {
        _signer = signer_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError error_, ) = ECDSA.tryRecover(hash, signature);
        if (error_ == ECDSA.RecoverError.NoError && recovered == _signer) {
            return IERC1271.isValidSignature.selector;
        }
        return 0xffffffff;
    }
}
