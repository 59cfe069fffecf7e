// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @dev "Autometa Test Token" (ATT), an 18-decimal ERC-20 for trying ERC-20 transfer actions on a local chain.
 *
 * WARNING: Anyone can mint any amount with {mint}. Deploy it on local development chains only; it has no
 * value and must never stand in for a real token.
 */
contract TestToken is ERC20 {
    /**
     * @dev Sets the name "Autometa Test Token" and the symbol "ATT".
     */
    constructor() ERC20("Autometa Test Token", "ATT") {}

    /**
     * @dev Creates `amount` tokens (in units of 10^-18 ATT) for `to`. Anyone may call it.
     *
     * Requirements:
     *
     * - `to` is not the zero address.
     *
     * Emits a {Transfer} event from the zero address.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
